#pragma once
// Per-device IPv4/IPv6 settings (/proc/sys/net/{ipv4,ipv6}/conf/DEV/*): a device that changes
// netns gets the target's defaults (docs/kernel-facts.md K13, e.g. arp_ignore 1 becomes 0), so the
// ones an administrator changed travel with it explicitly.
#include <string>
#include <vector>

#include "common/netns.hpp"

namespace netdev {

struct DeviceSetting {
    std::string family;  // "ipv4", "ipv6"
    std::string name;    // "arp_ignore", "accept_ra", ...
    std::string value;   // as the kernel prints it
    bool operator==(const DeviceSetting&) const = default;
};

// The settings of `device` in `ns` that differ from that netns's defaults (conf/default), out
// of those an administrator sets (not disable_ipv6, which the hook manages, nor the IPv6 mtu,
// which follows the link's). A setting this kernel lacks is skipped.
std::vector<DeviceSetting> changed_settings(const Netns& ns, const std::string& device);

// Sets each on `device` in `ns`: after a move, before the addresses are restored and the link
// set up (accept_dad, addr_gen_mode and keep_addr_on_down matter for what follows).
void apply_settings(const Netns& ns, const std::string& device,
                    const std::vector<DeviceSetting>& settings);

}  // namespace netdev
