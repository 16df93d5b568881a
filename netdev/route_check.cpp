// check_routes(): the pre-check that finds a carried route the target netns would refuse,
// before the first change (plan first, act second).
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "common/error.hpp"
#include "netdev/route_nexthops.hpp"
#include "netdev/routes.hpp"

namespace netdev {
namespace {

// The address the device answers to: IFA_LOCAL, else IFA_ADDRESS (IPv6).
const AttributeBytes* local_of(const AddressRecord& a) {
    const AddressAttribute* local = find_raw(a.replayed, IFA_LOCAL);
    if (!local) local = find_raw(a.replayed, IFA_ADDRESS);
    return local ? &local->data : nullptr;
}

const AddressRecord* carried_address(const std::vector<AddressRecord>& carried, std::uint8_t family,
                                     const AttributeBytes& ip) {
    for (const AddressRecord& a : carried)
        if (a.family == family && local_of(a) && *local_of(a) == ip) return &a;
    return nullptr;
}

bool is_ipv6_link_local(std::uint8_t family, const std::vector<std::uint8_t>& ip) {
    return family == AF_INET6 && ip.size() == 16 && ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
}

// Whether the kernel will find `gw` on the link once the carried addresses (their prefix
// routes, unless noprefixroute) and the carried device routes are in place.
bool reachable(std::uint8_t family, const std::vector<std::uint8_t>& gw,
               const std::vector<AddressRecord>& carried, const std::vector<RouteRecord>& routes) {
    if (is_ipv6_link_local(family, gw)) return true;  // on every IPv6 link
    for (const AddressRecord& a : carried) {
        if (a.family != family || (a.flags & IFA_F_NOPREFIXROUTE)) continue;
        for (std::uint16_t type : {IFA_ADDRESS, IFA_LOCAL})
            if (const AddressAttribute* p = find_raw(a.replayed, type);
                p && prefix_contains(p->data, a.prefixlen, gw))
                return true;
    }
    for (const RouteRecord& r : routes) {
        if (r.family != family || find_raw(r.replayed, RTA_GATEWAY) ||
            find_raw(r.replayed, RTA_MULTIPATH))
            continue;
        const RouteAttribute* dst = find_raw(r.replayed, RTA_DST);
        if (r.dst_len == 0 || (dst && prefix_contains(dst->data, r.dst_len, gw))) return true;
    }
    return false;
}

// What makes two routes the same to the kernel (ip route add says "File exists").
bool same_key(const RouteRecord& a, const RouteRecord& b) {
    auto bytes = [](const RouteRecord& r, std::uint16_t type) {
        const RouteAttribute* attr = find_raw(r.replayed, type);
        return attr ? attr->data : std::vector<std::uint8_t>{};
    };
    return a.family == b.family && a.table == b.table && a.dst_len == b.dst_len &&
           a.src_len == b.src_len && a.tos == b.tos && a.metric() == b.metric() &&
           bytes(a, RTA_DST) == bytes(b, RTA_DST) && bytes(a, RTA_SRC) == bytes(b, RTA_SRC);
}

// Why `r` cannot exist in the target, or "" when it can.
std::string refusal(const RouteRecord& r, int index, const std::string& device,
                    const std::vector<AddressRecord>& carried,
                    const std::vector<RouteRecord>& routes,
                    const std::vector<RouteRecord>& in_target) {
    for (int oif : r.output_indexes())
        if (oif != index)
            return "a nexthop goes through another device (ifindex " + std::to_string(oif) +
                   "), which does not move with " + device;
    if (const RouteAttribute* src = find_raw(r.replayed, RTA_PREFSRC)) {
        const AddressRecord* a = carried_address(carried, r.family, src->data);
        if (!a)
            return "its src " + ip_text(r.family, src->data) + " is not an address carried with " +
                   device;
        // The kernel refuses a tentative IPv6 src, and the address is new in the target.
        if (r.family == AF_INET6 && !(a->flags & IFA_F_NODAD))
            return "its src " + ip_text(r.family, src->data) +
                   " is under duplicate address detection when the route is added; give the "
                   "address nodad";
    }
    bool onlink = r.flags & RTNH_F_ONLINK;
    std::vector<std::vector<std::uint8_t>> gateways;
    if (const RouteAttribute* gw = find_raw(r.replayed, RTA_GATEWAY); gw && !onlink)
        gateways.push_back(gw->data.to_vector());
    if (const RouteAttribute* mp = find_raw(r.replayed, RTA_MULTIPATH))
        for (const Nexthop& nh : nexthops(*mp))
            if (!nh.gateway.empty() && !(nh.flags & RTNH_F_ONLINK)) gateways.push_back(nh.gateway);
    for (const auto& gw : gateways)
        if (!reachable(r.family, gw, carried, routes))
            return "its gateway " + ip_text(r.family, gw) + " is in no subnet carried with " +
                   device + " (onlink would allow it)";
    for (const RouteRecord& t : in_target)
        if (same_key(r, t)) return "the target already has " + t.describe();
    return {};
}

}  // namespace

void check_routes(const std::vector<RouteRecord>& routes, int index, const std::string& device,
                  const std::vector<AddressRecord>& carried,
                  const std::vector<RouteRecord>& in_target) {
    for (const RouteRecord& r : routes)
        if (std::string why = refusal(r, index, device, carried, routes, in_target); !why.empty())
            throw HookError(ExitCode::refused, "route " + r.describe(device) + ": " + why);
}

}  // namespace netdev
