#include "common/path_search.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

namespace netdev {

std::string find_in_path(const std::string& name, const std::string& path, const std::string& cwd,
                         const std::function<bool(const std::string&)>& accept) {
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string_view dir = std::string_view(path).substr(start, end - start);
        start = end + 1;
        if (dir.empty()) dir = ".";
        // Appended, not `a + "/" + b`: GCC 12's -Wrestrict false positive (CMakeLists.txt).
        std::string candidate;
        if (dir[0] != '/' && !cwd.empty()) candidate.append(cwd).append(1, '/');
        candidate.append(dir).append(1, '/').append(name);
        struct stat st {};
        if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (::access(candidate.c_str(), X_OK) != 0) continue;
        if (!accept || accept(candidate)) return candidate;
    }
    return {};
}

}  // namespace netdev
