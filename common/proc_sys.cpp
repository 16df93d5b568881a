#include "common/proc_sys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "common/read_file.hpp"

namespace netdev {
namespace {

constexpr std::size_t kMaxSysctlBytes = 4096;

UniqueFd open_in(const Netns& ns, const DeviceSysctl& key, int flags) {
    // Interface names hold no '/', and "." or ".." are not valid names: a path component each.
    for (const std::string* part : {&key.family, &key.device, &key.name})
        if (part->empty() || part->find('/') != std::string::npos || *part == "." || *part == "..")
            throw HookError(ExitCode::invalid_input,
                            "sysctl " + key.path() + ": bad component \"" + *part + "\"");
    NetnsGuard inside(ns);
    UniqueFd fd(::open(key.path().c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        throw_errno(ExitCode::failed_restored, "open " + key.path() + " in " + ns.label(), errno);
    return fd;
}

}  // namespace

std::string DeviceSysctl::path() const {
    return "/proc/sys/net/" + family + "/conf/" + device + "/" + name;
}

std::string read_device_sysctl(const Netns& ns, const DeviceSysctl& key) {
    UniqueFd fd = open_in(ns, key, O_RDONLY);
    std::string value = read_fd_bounded(fd.get(), kMaxSysctlBytes, key.path());
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
}

void write_device_sysctl(const Netns& ns, const DeviceSysctl& key, const std::string& value) {
    UniqueFd fd = open_in(ns, key, O_WRONLY);
    // A sysctl takes its value in one write(2); a short write would be a partial value.
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0)
        throw_errno(ExitCode::failed_restored,
                    "write " + value + " to " + key.path() + " in " + ns.label(), errno);
    if (static_cast<std::size_t>(n) != value.size())
        throw HookError(ExitCode::failed_restored, "short write to " + key.path());
}

}  // namespace netdev
