#pragma once
// One network sysctl of one device, as seen from a given netns: /proc/sys/net/FAMILY/conf/DEV/NAME.
// /proc/sys/net shows the netns of the process that OPENS the file (the kernel looks the
// table up in current->nsproxy->net_ns), so the file is opened from inside `ns` (NetnsGuard)
// and then read or written like any file.
#include <string>

#include "common/netns.hpp"

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

}  // namespace netdev
