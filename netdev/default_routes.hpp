#pragma once
// The host's uplinks as the kernel routes them: every device a default route leaves through.
#include <set>

#include "netdev/netlink_socket.hpp"

namespace netdev {

// `ip route show table all` and `ip -6 route show table all`, kept to default routes
// (destination length 0, or 1: the split default VPNs install; unicast): the ifindex of each
// RTA_OIF, of each RTA_MULTIPATH nexthop, and of the nexthop objects a route names by RTA_NH_ID
// (`ip nexthop`).
std::set<int> default_route_devices(NetlinkSocket& sock);

}  // namespace netdev
