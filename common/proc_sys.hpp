#pragma once
// One network sysctl of one device, as seen from a given netns: /proc/sys/net/FAMILY/conf/DEV/NAME.
// /proc/sys/net shows the netns of the process that OPENS the file (the kernel looks the
// table up in current->nsproxy->net_ns), so the file is opened from inside `ns` (NetnsGuard)
// and then read or written like any file.
#include <map>
#include <optional>
#include <string>

#include "common/netns.hpp"
#include "common/unique_fd.hpp"

namespace netdev {

struct DeviceSysctl {
    std::string family;  // "ipv4", "ipv6"
    std::string device;  // an interface name (or "all", "default")
    std::string name;    // "disable_ipv6", "forwarding", ...
    std::string path() const;
};

// The value without its trailing newline. Throws HookError naming the path, the netns and the
// errno text (ENOENT: no such device there, or the family is off in this kernel).
std::string read_device_sysctl(const Netns& ns, const DeviceSysctl& key);
void write_device_sysctl(const Netns& ns, const DeviceSysctl& key, const std::string& value);
// As read_device_sysctl, in the netns the caller is in, entering none (no CAP_SYS_ADMIN
// needed); nullopt when it cannot be read.
std::optional<std::string> read_device_sysctl_here(const DeviceSysctl& key);

// Many sysctls of one netns: it is entered once for all of them (the functions above enter
// and leave it for each, two setns(2) a file; a device has ~90 settings to compare).
class SysctlSession {
  public:
    explicit SysctlSession(const Netns& ns) : ns_(ns), inside_(ns) {}
    // As read_device_sysctl; nullopt when the file does not exist (ENOENT).
    std::optional<std::string> read_if_present(const DeviceSysctl& key) const;
    std::string read(const DeviceSysctl& key) const;
    void write(const DeviceSysctl& key, const std::string& value) const;

  private:
    UniqueFd open_here(const DeviceSysctl& key, int flags) const;
    const Netns& ns_;
    NetnsGuard inside_;
    mutable std::map<std::string, UniqueFd> dirs_;  // "ipv4/eth0" -> /proc/sys/net/ipv4/conf/eth0
};

}  // namespace netdev
