#pragma once
// The host's uplinks as the kernel routes them: every device a default route leaves through.
#include <map>
#include <optional>
#include <set>

#include "netdev/device_routes.hpp"
#include "netdev/netlink_socket.hpp"

namespace netdev {

// `ip route show table all` and `ip -6 route show table all`, kept to default routes
// (destination length 0, or 1: the split default VPNs install; unicast): the ifindex of each
// RTA_OIF, of each RTA_MULTIPATH nexthop, and of the nexthop objects a route names by RTA_NH_ID
// (`ip nexthop`).
std::set<int> default_route_devices(NetlinkSocket& sock);

// Whether a device carries a default route (as default_route_devices() counts them), asked
// per device: with strict checking (K11) the device's own route dump (`routes`, which the
// snapshot reads again without a second dump), so a host's other routes are never sent;
// without it, default_route_devices() once.
class UplinkQuery {
  public:
    explicit UplinkQuery(DeviceRoutes& routes);
    bool is_uplink(int ifindex);

  private:
    DeviceRoutes& routes_;
    std::map<int, bool> known_;
    std::optional<std::set<int>> all_;
};

}  // namespace netdev
