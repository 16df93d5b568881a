#include "netdev/routes.hpp"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "netdev/route_nexthops.hpp"

namespace netdev {
namespace {

// Configuration, not state: RTA_TABLE is kept in `table`, RTA_CACHEINFO is counters and
// expiry, RTA_NH_ID names a nexthop object of the source netns (the dump also carries the
// nexthop itself, which is what is replayed).
bool is_replayed(std::uint16_t type) {
    switch (type) {
        case RTA_DST:
        case RTA_SRC:
        case RTA_OIF:
        case RTA_GATEWAY:
        case RTA_PRIORITY:
        case RTA_PREFSRC:
        case RTA_METRICS:
        case RTA_MULTIPATH:
        case RTA_FLOW:
        case RTA_VIA:
        case RTA_PREF:
        case RTA_ENCAP_TYPE:
        case RTA_ENCAP:
            return true;
        default:
            return false;
    }
}

// A route that expires (RA-learned, `ip -6 route add ... expires N`) is not configuration.
bool expires(const nlattr* attr) {
    if (mnl_attr_get_payload_len(attr) < sizeof(rta_cacheinfo)) return false;
    rta_cacheinfo ci;
    std::memcpy(&ci, mnl_attr_get_payload(attr), sizeof ci);
    return ci.rta_expires != 0;
}

// Parsing state: the record, and whether RTA_CACHEINFO says it expires.
struct Parsed {
    RouteRecord& route;
    bool expiring = false;
};

RouteRecord parse_route_with_expiry(const nlmsghdr& nlh, bool& expiring) {
    const auto& rtm = payload_as<rtmsg>(nlh, "RTM_NEWROUTE", "rtmsg");
    RouteRecord r;
    r.family = rtm.rtm_family;
    r.dst_len = rtm.rtm_dst_len;
    r.src_len = rtm.rtm_src_len;
    r.tos = rtm.rtm_tos;
    r.table = rtm.rtm_table;
    r.protocol = rtm.rtm_protocol;
    r.scope = rtm.rtm_scope;
    r.type = rtm.rtm_type;
    r.flags = rtm.rtm_flags;
    Parsed p{r};
    auto cb = [](const nlattr* attr, void* data) -> int {
        auto& p = *static_cast<Parsed*>(data);
        std::uint16_t type = mnl_attr_get_type(attr);
        if (type == RTA_TABLE && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
            p.route.table = mnl_attr_get_u32(attr);
        else if (type == RTA_CACHEINFO)
            p.expiring = expires(attr);
        else if (is_replayed(type))
            p.route.replayed.push_back(raw_attribute(attr));
        return MNL_CB_OK;
    };
    mnl_attr_parse(&nlh, sizeof(rtmsg), cb, &p);
    expiring = p.expiring;
    return r;
}

std::uint32_t u32_of(const RouteAttribute* a) {
    std::uint32_t v = 0;
    if (a && a->data.size() >= sizeof v) std::memcpy(&v, a->data.data(), sizeof v);
    return v;
}

// A message of a route dump into `out`: IPv4 and IPv6 routes outside the local table; with
// `index`, only those through that device (the kernel filters by RTA_OIF in strict dumps, K11:
// this is for kernels before it) that are carried. An AF_UNSPEC dump holds every family's
// routes: MPLS and multicast ones are not carried.
void keep_route(const nlmsghdr& nlh, int index, std::vector<RouteRecord>& out) {
    if (nlh.nlmsg_type != RTM_NEWROUTE) return;
    const auto& rtm = payload_as<rtmsg>(nlh, "RTM_NEWROUTE", "rtmsg");
    if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6) return;
    bool expiring = false;
    RouteRecord r = parse_route_with_expiry(nlh, expiring);
    if (r.table == RT_TABLE_LOCAL) return;
    if (index) {
        std::vector<int> oifs = r.output_indexes();
        if (std::find(oifs.begin(), oifs.end(), index) == oifs.end()) return;
        if (expiring || !is_carried(r)) {
            NETDEV_LOG(debug) << "leave route " << r.describe();
            return;
        }
    }
    out.push_back(std::move(r));
}

bool has_gateway(const RouteRecord& r) {
    if (find_raw(r.replayed, RTA_GATEWAY) || find_raw(r.replayed, RTA_VIA)) return true;
    const RouteAttribute* mp = find_raw(r.replayed, RTA_MULTIPATH);
    return mp && !nexthops(*mp).empty();
}

}  // namespace

std::uint32_t RouteRecord::metric() const {
    return u32_of(find_raw(replayed, RTA_PRIORITY));
}

std::vector<int> RouteRecord::output_indexes() const {
    std::vector<int> out;
    if (const RouteAttribute* oif = find_raw(replayed, RTA_OIF))
        out.push_back(static_cast<int>(u32_of(oif)));
    if (const RouteAttribute* mp = find_raw(replayed, RTA_MULTIPATH))
        for (const Nexthop& nh : nexthops(*mp)) out.push_back(nh.ifindex);
    return out;
}

std::string RouteRecord::describe(const std::string& device) const {
    std::vector<int> oifs = output_indexes();
    bool one_device = !device.empty() && !oifs.empty() &&
                      std::all_of(oifs.begin(), oifs.end(), [&](int i) { return i == oifs[0]; });
    auto dev = [&](int i) {
        return one_device ? device : std::string("#").append(std::to_string(i));
    };
    const RouteAttribute* dst = find_raw(replayed, RTA_DST);
    std::string s = dst_len == 0 || !dst ? "default" : ip_text(family, dst->data);
    if (dst_len != 0 && dst_len != (family == AF_INET ? 32 : 128))
        s += "/" + std::to_string(dst_len);
    if (const RouteAttribute* src = find_raw(replayed, RTA_SRC))
        s += " from " + ip_text(family, src->data) + "/" + std::to_string(src_len);
    if (tos) s += " tos " + std::to_string(tos);
    if (const RouteAttribute* gw = find_raw(replayed, RTA_GATEWAY))
        s += " via " + ip_text(family, gw->data);
    if (const RouteAttribute* oif = find_raw(replayed, RTA_OIF))
        s += " dev " + dev(static_cast<int>(u32_of(oif)));
    if (table != RT_TABLE_MAIN) s += " table " + std::to_string(table);
    if (protocol != RTPROT_BOOT) s += " proto " + std::to_string(protocol);
    if (scope == RT_SCOPE_LINK) s += " scope link";
    if (find_raw(replayed, RTA_PRIORITY)) s += " metric " + std::to_string(metric());
    if (const RouteAttribute* src = find_raw(replayed, RTA_PREFSRC))
        s += " src " + ip_text(family, src->data);
    if (flags & RTNH_F_ONLINK) s += " onlink";
    if (const RouteAttribute* mp = find_raw(replayed, RTA_MULTIPATH))
        for (const Nexthop& nh : nexthops(*mp)) {
            s += " nexthop";
            if (!nh.gateway.empty()) s += " via " + ip_text(family, nh.gateway);
            s += " dev " + dev(nh.ifindex) + " weight " + std::to_string(nh.hops + 1);
            if (nh.flags & RTNH_F_ONLINK) s += " onlink";
        }
    return s;
}

RouteRecord parse_route(const nlmsghdr& nlh) {
    bool expiring = false;
    return parse_route_with_expiry(nlh, expiring);
}

bool is_carried(const RouteRecord& route) {
    return route.table != RT_TABLE_LOCAL && route.protocol != RTPROT_KERNEL &&
           route.protocol != RTPROT_RA && route.protocol != RTPROT_REDIRECT;
}

std::vector<RouteRecord> dump_routes(DeviceRoutes& routes, int index, const std::string& device) {
    std::vector<RouteRecord> out;
    routes.for_each(
        index, "list routes of " + device, [&] { out.clear(); },
        [&](const nlmsghdr& nlh) { keep_route(nlh, index, out); });
    return out;
}

std::vector<RouteRecord> dump_routes(NetlinkSocket& sock, int index, const std::string& device) {
    DeviceRoutes once(sock);
    return dump_routes(once, index, device);
}

std::vector<RouteRecord> list_routes(NetlinkSocket& sock) {
    // Both families in one AF_UNSPEC dump (the kernel runs each family's in turn).
    return retry_interrupted_dump([&] {
        MessageBuilder msg(RTM_GETROUTE, NLM_F_DUMP);
        msg.extra_header<rtmsg>().rtm_family = AF_UNSPEC;
        std::vector<RouteRecord> out;
        sock.transact(msg, "list routes", [&](const nlmsghdr& nlh) { keep_route(nlh, 0, out); });
        return out;
    });
}

void restore_routes(NetlinkSocket& sock, int index, const std::string& name,
                    const std::vector<RouteRecord>& routes) {
    if (routes.empty()) return;
    // A gateway must be reachable when its route is added: device routes go first.
    std::vector<const RouteRecord*> ordered;
    for (const RouteRecord& r : routes) ordered.push_back(&r);
    std::stable_partition(ordered.begin(), ordered.end(),
                          [](const RouteRecord* r) { return !has_gateway(*r); });
    MessageBatch batch;
    for (const RouteRecord* r : ordered) {
        // REPLACE makes a re-run harmless; check_routes() found clashes before any change.
        MessageBuilder msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
        auto& rtm = msg.extra_header<rtmsg>();
        rtm.rtm_family = r->family;
        rtm.rtm_dst_len = r->dst_len;
        rtm.rtm_src_len = r->src_len;
        rtm.rtm_tos = r->tos;
        rtm.rtm_table = static_cast<std::uint8_t>(r->table < 256 ? r->table : RT_TABLE_UNSPEC);
        rtm.rtm_protocol = r->protocol;
        rtm.rtm_scope = r->scope;
        rtm.rtm_type = r->type;
        rtm.rtm_flags = r->flags & RTNH_F_ONLINK;  // the rest is state (dead, linkdown...)
        msg.put_u32(RTA_TABLE, r->table);
        for (const RouteAttribute& a : r->replayed) {
            if (a.type == RTA_OIF)
                msg.put_u32(RTA_OIF, static_cast<std::uint32_t>(index));
            else if (a.type == RTA_MULTIPATH)
                msg.put(RTA_MULTIPATH, with_device(a, index));
            else
                msg.put(a.type, a.data);
        }
        NETDEV_LOG(debug) << "restore route " << r->describe(name) << " on " << name << " (#"
                          << index << ") in " << sock.netns_label();
        batch.add(msg);
    }
    sock.transact(batch, "restore " + std::to_string(routes.size()) + " route(s) on " + name);
}

}  // namespace netdev
