#include "common/state_sweep.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"

namespace netdev {
namespace {

// No run lasts this long: a runtime kills a hook long before (hooks.d timeouts are seconds).
constexpr std::time_t kStaleAfterSeconds = 600;

bool writer_gone(long long pid) {
    if (pid <= 0 || pid > INT32_MAX || pid == ::getpid()) return true;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

bool is_temp_file_name(const std::string& name, long long* pid) {
    // "." + name + ".tmp" + digits (state_dir.cpp write_file)
    std::size_t at = name.rfind(".tmp");
    if (name.size() < 2 || name[0] != '.' || at == std::string::npos || at == 0 ||
        at + 4 == name.size() || name.size() - (at + 4) > 10)
        return false;
    long long n = 0;
    for (std::size_t i = at + 4; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        n = n * 10 + (name[i] - '0');
    }
    if (pid) *pid = n;
    return true;
}

std::vector<std::string> sweep_stale_temp_files(const StateDir& dir) {
    std::vector<std::string> removed;
    std::optional<std::vector<std::string>> names = dir_entry_names(dir.fd(), ".");
    if (!names) {
        NETDEV_LOG(warning) << "sweep " << dir.path() << ": " << std::strerror(errno);
        return removed;
    }
    std::vector<std::string> stale;
    const std::time_t now = std::time(nullptr);
    for (const std::string& name : *names) {
        long long pid = 0;
        if (!is_temp_file_name(name, &pid)) continue;
        struct stat st {};
        if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode)) continue;
        if (writer_gone(pid) || now - st.st_mtime > kStaleAfterSeconds) stale.push_back(name);
    }
    for (const std::string& name : stale) {
        // unlinkat removes the entry itself, a symlink included: nothing is followed.
        if (::unlinkat(dir.fd(), name.c_str(), 0) != 0) {
            if (errno != ENOENT)
                NETDEV_LOG(warning) << "cannot remove " << dir.path() << "/" << name << ": "
                                    << std::strerror(errno);
            continue;
        }
        NETDEV_LOG(info) << "removed " << dir.path() << "/" << name
                         << ", a temporary file of a run that was killed";
        removed.push_back(name);
    }
    return removed;
}

}  // namespace netdev
