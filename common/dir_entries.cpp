#include "common/dir_entries.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>
#include <string_view>

#include "common/unique_fd.hpp"

namespace netdev {

std::optional<std::vector<std::string>> dir_entry_names(int dirfd, const char* rel) {
    UniqueFd dir(::openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return std::nullopt;
    std::vector<std::string> names;
    // Room for a few hundred entries a call; the kernel fills only what it returns.
    alignas(dirent64) char buf[32768];
    for (;;) {
        ssize_t n = ::getdents64(dir.get(), buf, sizeof buf);
        if (n < 0) {
            int e = errno;
            dir.reset();
            errno = e;
            return std::nullopt;
        }
        if (n == 0) return names;
        for (ssize_t at = 0; at < n;) {
            const auto* d = reinterpret_cast<const dirent64*>(buf + at);
            std::string_view name(d->d_name);
            if (name != "." && name != "..") names.emplace_back(name);
            at += d->d_reclen;
        }
    }
}

}  // namespace netdev
