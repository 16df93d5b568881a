#pragma once
// Per-device IPv4/IPv6 settings (/proc/sys/net/{ipv4,ipv6}/conf/DEV/*): a device that changes
// netns gets the target's defaults (docs/kernel-facts.md K13, e.g. arp_ignore 1 becomes 0), so the
// ones an administrator changed travel with it explicitly.
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "netdev/link.hpp"

namespace netdev {

struct DeviceSetting {
    std::string family;  // "ipv4", "ipv6"
    std::string name;    // "arp_ignore", "accept_ra", ...
    std::string value;   // as the kernel prints it
    bool operator==(const DeviceSetting&) const = default;
};

// The settings of `link` in `ns` that differ from that netns's defaults (conf/default), out
// of those an administrator sets (not disable_ipv6, which the hook manages, nor the IPv6 mtu,
// which follows the link's). The device's values come with its RTM_GETLINK (IFLA_AF_SPEC),
// the defaults from /proc. A setting this kernel lacks is skipped.
std::vector<DeviceSetting> changed_settings(const Netns& ns, const LinkInfo& link);
// Every setting of that list that `link`'s RTM_GETLINK carries, with its value.
std::vector<DeviceSetting> reported_settings(const LinkInfo& link);

// Sets each on `device` in `ns`: after a move, before the addresses are restored and the link
// set up (accept_dad, addr_gen_mode and keep_addr_on_down matter for what follows).
void apply_settings(const Netns& ns, const std::string& device,
                    const std::vector<DeviceSetting>& settings);

// What the record keeps of `link`'s settings: every one of the list, as its RTM_GETLINK
// carries them (K17), so a give-back sets exactly what it had; on a kernel that reports none,
// those changed_settings() finds.
std::vector<DeviceSetting> device_settings(const Netns& ns, const LinkInfo& link);

// After the move into `target`, where the device (`now`, looked up there) has that netns's
// defaults (K13): sets each of `as_was` it does not have, except a value equal to `home`'s
// default: one the admin never changed, so the target's own default stays. Only those
// candidates cost a /proc read.
void carry_settings(const Netns& home, const Netns& target, const LinkInfo& now,
                    const std::vector<DeviceSetting>& as_was);

// Back in `home` (its defaults again, K13): sets each of `as_was` that `now` does not have.
void restore_settings(const Netns& home, const LinkInfo& now,
                      const std::vector<DeviceSetting>& as_was);

}  // namespace netdev
