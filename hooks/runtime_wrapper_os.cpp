#include "hooks/runtime_wrapper_os.hpp"

#include "common/path_search.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "common/unique_fd.hpp"

namespace netdev {
namespace {

constexpr std::size_t kMaxSettingsBytes = 64 << 10;

std::string self_path() {
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n < 0) throw_errno(ExitCode::failed_restored, "readlink /proc/self/exe", errno);
    return std::string(buf, static_cast<std::size_t>(n));
}

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

const char* env_or_null(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

void write_all(int fd, const std::string& content, const std::string& what) {
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(ExitCode::failed_restored, "write " + what, errno);
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

WrapperSettings load_wrapper_settings() {
    WrapperSettings s;
    std::string self = self_path();
    s.hook = self.substr(0, self.rfind('/') + 1) + "oci-netdev-hook";
    const char* file = env_or_null("OCI_NETDEV_RUNTIME_CONFIG");
    std::string path = file ? file : kWrapperConfigFile;
    if (::access(path.c_str(), F_OK) == 0 || file)
        apply_settings_file(s, read_file_bounded(path, kMaxSettingsBytes), path);
    if (const char* rt = env_or_null("OCI_NETDEV_RUNTIME")) s.runtime = rt;
    if (const char* hook = env_or_null("OCI_NETDEV_HOOK_PATH")) s.hook = hook;
    return s;
}

std::string find_real_runtime(const std::string& name) {
    struct stat self {};
    if (::stat("/proc/self/exe", &self) != 0)
        throw_errno(ExitCode::failed_restored, "stat /proc/self/exe", errno);
    struct stat st {};
    if (name.find('/') != std::string::npos) {
        if (::stat(name.c_str(), &st) != 0)
            throw_errno(ExitCode::invalid_input, "runtime " + name, errno);
        if (same_file(st, self))
            throw HookError(ExitCode::invalid_input,
                            "runtime " + name + " is oci-netdev-runtime itself; name the real one");
        return name;
    }
    const char* path_env = std::getenv("PATH");
    std::string found = find_in_path(
        name, path_env ? path_env : kDefaultPath, "", [&](const std::string& candidate) {
            return ::stat(candidate.c_str(), &st) == 0 && !same_file(st, self);
        });
    if (!found.empty()) return found;
    throw HookError(
        ExitCode::invalid_input,
        "runtime " + name + ": not found in PATH (other than oci-netdev-runtime itself)");
}

void replace_file_atomically(const std::string& path, const std::string& content) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw_errno(ExitCode::invalid_input, "stat " + path, errno);
    std::string tmp = path + ".netdev-XXXXXX";
    UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
    if (!fd) throw_errno(ExitCode::failed_restored, "create " + tmp, errno);
    try {
        write_all(fd.get(), content, tmp);
        if (::fchmod(fd.get(), st.st_mode & 07777) != 0)
            throw_errno(ExitCode::failed_restored, "chmod " + tmp, errno);
        // Owner kept when we may (root); an unprivileged wrapper owns the file it wrote anyway.
        if (::fchown(fd.get(), st.st_uid, st.st_gid) != 0 && errno != EPERM)
            throw_errno(ExitCode::failed_restored, "chown " + tmp, errno);
        if (::fsync(fd.get()) != 0) throw_errno(ExitCode::failed_restored, "fsync " + tmp, errno);
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            throw_errno(ExitCode::failed_restored, "rename " + tmp + " to " + path, errno);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

}  // namespace netdev
