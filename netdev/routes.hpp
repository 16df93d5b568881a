#pragma once
// Routes through a device over rtnetlink: snapshot them with their attributes, check they can
// exist in the target netns, replay them on the device there. A move deletes them
// (docs/kernel-facts.md K13), so they are carried like addresses.
#include <cstdint>
#include <string>
#include <vector>

#include "netdev/address.hpp"
#include "netdev/device_routes.hpp"
#include "netdev/netlink_socket.hpp"
#include "netdev/raw_attribute.hpp"

namespace netdev {

using RouteAttribute = RawAttribute;  // RTA_*, kept and recorded like address attributes

struct RouteRecord {
    std::uint8_t family = 0;
    std::uint8_t dst_len = 0;
    std::uint8_t src_len = 0;
    std::uint8_t tos = 0;
    std::uint8_t protocol = 0;  // RTPROT_*
    std::uint8_t scope = 0;     // RT_SCOPE_*
    std::uint8_t type = 0;      // RTN_*
    std::uint32_t flags = 0;    // rtm_flags (RTNH_F_ONLINK, ...)
    std::uint32_t table = 0;    // RTA_TABLE (tables above 255 exist only there), else rtm_table
    std::vector<RouteAttribute> replayed;  // RTA_OIF, RTA_GATEWAY, RTA_MULTIPATH..., table aside

    // `ip route` style, for logs and errors: "default via 192.0.2.254 dev v0 table 100
    // metric 50"; `device` names RTA_OIF (else "#<ifindex>").
    std::string describe(const std::string& device = "") const;
    // RTA_PRIORITY, 0 when absent (IPv6 dumps always carry it).
    std::uint32_t metric() const;
    // Every output ifindex: RTA_OIF and each multipath nexthop's.
    std::vector<int> output_indexes() const;
};

// Decodes an RTM_NEWROUTE message.
RouteRecord parse_route(const nlmsghdr& nlh);

// What travels with a device: not the local table, not the kernel's own routes (they come
// back with the addresses), not routes learned from router advertisements or redirects, not
// routes that expire; like addresses, only what an administrator configured for good.
bool is_carried(const RouteRecord& route);

// `ip route show table all dev X` for IPv4 and IPv6, kernel-filtered by RTA_OIF (strict dump,
// multipath nexthops included), then is_carried(); retried when a change interrupts the dump.
// From `routes`: the dump the uplink guardrail read for the device, when it did.
std::vector<RouteRecord> dump_routes(DeviceRoutes& routes, int index, const std::string& device);
// As above, with a dump of its own.
std::vector<RouteRecord> dump_routes(NetlinkSocket& sock, int index, const std::string& device);

// `ip route show table all` for IPv4 and IPv6 minus the local table: the routes of a
// container netns, which holds few, for the clash check.
std::vector<RouteRecord> list_routes(NetlinkSocket& sock);

// Before the first change: throws HookError(refused) naming the first route of `routes`
// (carried from `device`, ifindex `index`) that cannot exist in the target, whose routes are
// `in_target`, next to the addresses `carried`: a src that is not carried (or IPv6 under DAD),
// a gateway no carried address or device route reaches (unless onlink), a nexthop through
// another device, a route already there (same family, table, destination, tos and metric).
void check_routes(const std::vector<RouteRecord>& routes, int index, const std::string& device,
                  const std::vector<AddressRecord>& carried,
                  const std::vector<RouteRecord>& in_target);

// `ip route replace ... dev NAME` for each route on link `index` (which must be up: the
// kernel refuses routes through a down device), RTA_OIF and nexthops rewritten to `index`;
// device routes before gateway routes, all in one datagram, then every ack read.
void restore_routes(NetlinkSocket& sock, int index, const std::string& name,
                    const std::vector<RouteRecord>& routes);

}  // namespace netdev
