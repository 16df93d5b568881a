#include "common/proc_sys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"

namespace netdev {
namespace {

constexpr std::size_t kMaxSysctlBytes = 4096;

void check_components(const DeviceSysctl& key) {
    // Interface names hold no '/', and "." or ".." are not valid names: a path component each.
    for (const std::string* part : {&key.family, &key.device, &key.name})
        if (part->empty() || part->find('/') != std::string::npos || *part == "." || *part == "..")
            throw HookError(ExitCode::invalid_input,
                            "sysctl " + key.path() + ": bad component \"" + *part + "\"");
}

// A /proc/sys file answers at once: no poll, one read for a value this small.
std::string read_value(int fd, const std::string& path) {
    char buf[kMaxSysctlBytes];
    ssize_t n;
    do n = ::read(fd, buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n < 0) throw_errno(ExitCode::failed_restored, "read " + path, errno);
    std::string value(buf, static_cast<std::size_t>(n));
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
}

}  // namespace

std::string DeviceSysctl::path() const {
    return "/proc/sys/net/" + family + "/conf/" + device + "/" + name;
}

std::optional<std::string> SysctlSession::read_if_present(const DeviceSysctl& key) const {
    try {
        return read(key);
    } catch (const HookError& e) {
        if (e.sys_errno() == ENOENT) return std::nullopt;
        throw;
    }
}

// Opened from the netns the caller is in (SysctlSession entered it: /proc/sys/net looks names
// up in the opener's netns). conf/DEV is opened once per session and each value by its one
// name below it: 3.9 us a value against 5.6 us for the whole path (measured on 6.18).
UniqueFd SysctlSession::open_here(const DeviceSysctl& key, int flags) const {
    check_components(key);
    std::string dir_key = key.family + '/' + key.device;
    auto it = dirs_.find(dir_key);
    if (it == dirs_.end()) {
        std::string dir = "/proc/sys/net/" + key.family + "/conf/" + key.device;
        UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
        if (!d)
            throw_errno(ExitCode::failed_restored, "open " + key.path() + " in " + ns_.label(),
                        errno);
        it = dirs_.emplace(std::move(dir_key), std::move(d)).first;
    }
    UniqueFd fd(::openat(it->second.get(), key.name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW));
    if (!fd)
        throw_errno(ExitCode::failed_restored, "open " + key.path() + " in " + ns_.label(), errno);
    return fd;
}

std::string SysctlSession::read(const DeviceSysctl& key) const {
    UniqueFd fd = open_here(key, O_RDONLY);
    return read_value(fd.get(), key.path());
}

void SysctlSession::write(const DeviceSysctl& key, const std::string& value) const {
    UniqueFd fd = open_here(key, O_WRONLY);
    // A sysctl takes its value in one write(2); a short write would be a partial value.
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0)
        throw_errno(ExitCode::failed_restored,
                    "write " + value + " to " + key.path() + " in " + ns_.label(), errno);
    if (static_cast<std::size_t>(n) != value.size())
        throw HookError(ExitCode::failed_restored, "short write to " + key.path());
}

std::optional<std::string> read_device_sysctl_here(const DeviceSysctl& key) {
    try {
        check_components(key);  // names from a record: one path component each
        UniqueFd fd(::open(key.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) return std::nullopt;
        return read_value(fd.get(), key.path());
    } catch (const HookError&) {
        return std::nullopt;
    }
}

std::string read_device_sysctl(const Netns& ns, const DeviceSysctl& key) {
    return SysctlSession(ns).read(key);
}

void write_device_sysctl(const Netns& ns, const DeviceSysctl& key, const std::string& value) {
    SysctlSession(ns).write(key, value);
}

}  // namespace netdev
