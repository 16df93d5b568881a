#pragma once
// The nexthops of a multipath route (RTA_MULTIPATH: rtnexthop entries, each followed by its
// own attributes), read and rewritten for another device.
#include <linux/rtnetlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "netdev/netlink_message.hpp"
#include "netdev/raw_attribute.hpp"

namespace netdev {

struct Nexthop {
    int ifindex = 0;
    std::uint8_t flags = 0;             // RTNH_F_*
    std::uint8_t hops = 0;              // weight - 1
    std::vector<std::uint8_t> gateway;  // RTA_GATEWAY, empty when none
};

// The one walk over an RTA_MULTIPATH payload: calls f(offset of the entry, its rtnexthop,
// copied for alignment) for each whole entry. An entry shorter than rtnexthop or longer than
// what is left ends the walk; nothing past `data` is read.
template <typename F>
void for_each_rtnexthop(std::span<const std::uint8_t> data, F&& f) {
    for_each_record<rtnexthop>(data, f);
}

// Each nexthop of an RTA_MULTIPATH attribute; a truncated entry ends the list.
std::vector<Nexthop> nexthops(const RawAttribute& multipath);

// The RTA_MULTIPATH payload with every nexthop on `ifindex`, keeping only the flags a user
// sets (onlink): dead and linkdown are the kernel's to say.
std::vector<std::uint8_t> with_device(const RawAttribute& multipath, int ifindex);

}  // namespace netdev
