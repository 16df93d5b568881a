#include "netdev/allow_ipv6.hpp"

#include <linux/ipv6.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/logging.hpp"
#include "common/proc_sys.hpp"

namespace netdev {

void allow_ipv6_for_addresses(const Netns& ns, const LinkInfo& device,
                              const std::vector<AddressRecord>& addresses) {
    if (std::none_of(addresses.begin(), addresses.end(),
                     [](const AddressRecord& a) { return a.family == AF_INET6; }))
        return;
    DeviceSysctl key{"ipv6", device.name, "disable_ipv6"};
    // The lookup after the move carries the value (IFLA_INET6_CONF, docs/kernel-facts.md K17):
    // no entering the netns to read /proc, unless the kernel did not say. Still true after
    // carry_settings(), which leaves disable_ipv6 alone (device_settings.cpp kSettings).
    const auto slot = static_cast<std::size_t>(DEVCONF_DISABLE_IPV6);
    bool disabled = slot < device.inet6_conf.size() ? device.inet6_conf[slot] != 0
                                                    : read_device_sysctl(ns, key) != "0";
    if (!disabled) return;
    write_device_sysctl(ns, key, "0");
    NETDEV_LOG(info) << "IPv6 was disabled on " << device.name << " in " << ns.label()
                     << " (Docker's --network none does that); enabled on this device only";
}

}  // namespace netdev
