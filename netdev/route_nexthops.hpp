#pragma once
// The nexthops of a multipath route (RTA_MULTIPATH: rtnexthop entries, each followed by its
// own attributes), read and rewritten for another device.
#include <cstdint>
#include <vector>

#include "netdev/raw_attribute.hpp"

namespace netdev {

struct Nexthop {
    int ifindex = 0;
    std::uint8_t flags = 0;             // RTNH_F_*
    std::uint8_t hops = 0;              // weight - 1
    std::vector<std::uint8_t> gateway;  // RTA_GATEWAY, empty when none
};

// Each nexthop of an RTA_MULTIPATH attribute; a truncated entry ends the list.
std::vector<Nexthop> nexthops(const RawAttribute& multipath);

// The RTA_MULTIPATH payload with every nexthop on `ifindex`, keeping only the flags a user
// sets (onlink): dead and linkdown are the kernel's to say.
std::vector<std::uint8_t> with_device(const RawAttribute& multipath, int ifindex);

}  // namespace netdev
