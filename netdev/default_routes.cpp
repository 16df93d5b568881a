#include "netdev/default_routes.hpp"

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <map>
#include <span>
#include <vector>

#include "common/error.hpp"
#include "netdev/route_nexthops.hpp"

namespace netdev {
namespace {

struct DefaultRoutes {
    std::set<int> oifs;
    std::set<std::uint32_t> nexthop_ids;
};

void add_multipath(const nlattr* attr, std::set<int>& oifs) {
    std::span<const std::uint8_t> data(static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr)),
                                       mnl_attr_get_payload_len(attr));
    for_each_rtnexthop(data,
                       [&](std::size_t, const rtnexthop& nh) { oifs.insert(nh.rtnh_ifindex); });
}

// Adds what a default route leaves through to `out`; false for any other message.
bool parse_route(const nlmsghdr& nlh, DefaultRoutes& out) {
    if (nlh.nlmsg_type != RTM_NEWROUTE) return false;
    // Refused, not skipped: a default route left unread would hide an uplink.
    const auto& rtm = payload_as<rtmsg>(nlh, "RTM_NEWROUTE", "rtmsg");
    bool ip = rtm.rtm_family == AF_INET || rtm.rtm_family == AF_INET6;
    // A /1 is half the address space: VPNs route 0.0.0.0/1 + 128.0.0.0/1 (::/1 + 8000::/1)
    // over their device instead of a default route, and it carries the host's traffic all
    // the same.
    if (!ip || rtm.rtm_dst_len > 1 || rtm.rtm_type != RTN_UNICAST) return false;
    auto cb = [](const nlattr* attr, void* data) -> int {
        auto& o = *static_cast<DefaultRoutes*>(data);
        switch (mnl_attr_get_type(attr)) {
            case RTA_OIF:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    o.oifs.insert(static_cast<int>(mnl_attr_get_u32(attr)));
                break;
            case RTA_MULTIPATH:
                add_multipath(attr, o.oifs);
                break;
            case RTA_NH_ID:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    o.nexthop_ids.insert(mnl_attr_get_u32(attr));
                break;
        }
        return MNL_CB_OK;
    };
    mnl_attr_parse(&nlh, sizeof(rtmsg), cb, &out);
    return true;
}

// A nexthop object: its device, or the members of its group.
struct NexthopObject {
    int oif = 0;
    std::vector<std::uint32_t> group;
};

std::map<std::uint32_t, NexthopObject> dump_nexthops(NetlinkSocket& sock) {
    return retry_interrupted_dump([&] {
        MessageBuilder msg(RTM_GETNEXTHOP, NLM_F_DUMP);
        msg.extra_header<nhmsg>().nh_family = AF_UNSPEC;
        std::map<std::uint32_t, NexthopObject> out;
        sock.transact(msg, "list nexthops", [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_type != RTM_NEWNEXTHOP) return;
            payload_as<nhmsg>(nlh, "RTM_NEWNEXTHOP", "nhmsg");
            std::pair<std::uint32_t, NexthopObject> nh{};
            auto cb = [](const nlattr* attr, void* data) -> int {
                auto& n = *static_cast<std::pair<std::uint32_t, NexthopObject>*>(data);
                std::uint16_t type = mnl_attr_get_type(attr);
                if (type == NHA_ID && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    n.first = mnl_attr_get_u32(attr);
                if (type == NHA_OIF && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    n.second.oif = static_cast<int>(mnl_attr_get_u32(attr));
                if (type == NHA_GROUP) {
                    const auto* g = static_cast<const nexthop_grp*>(mnl_attr_get_payload(attr));
                    std::size_t count = mnl_attr_get_payload_len(attr) / sizeof(nexthop_grp);
                    for (std::size_t i = 0; i < count; ++i) n.second.group.push_back(g[i].id);
                }
                return MNL_CB_OK;
            };
            mnl_attr_parse(&nlh, sizeof(nhmsg), cb, &nh);
            out[nh.first] = std::move(nh.second);
        });
        return out;
    });
}

}  // namespace

std::set<int> default_route_devices(NetlinkSocket& sock) {
    DefaultRoutes routes = retry_interrupted_dump([&] {
        MessageBuilder msg(RTM_GETROUTE, NLM_F_DUMP);
        unicast_route_dump(msg, 0);
        DefaultRoutes fresh;
        sock.transact(msg, "list routes", [&](const nlmsghdr& nlh) { parse_route(nlh, fresh); });
        return fresh;
    });
    routes.oifs.erase(0);
    if (routes.nexthop_ids.empty()) return routes.oifs;
    std::map<std::uint32_t, NexthopObject> nexthops = dump_nexthops(sock);
    for (std::uint32_t id : routes.nexthop_ids) {
        auto it = nexthops.find(id);
        if (it == nexthops.end()) continue;
        if (it->second.oif > 0) routes.oifs.insert(it->second.oif);
        for (std::uint32_t member : it->second.group)  // groups hold plain nexthops only
            if (auto m = nexthops.find(member); m != nexthops.end() && m->second.oif > 0)
                routes.oifs.insert(m->second.oif);
    }
    return routes.oifs;
}

UplinkQuery::UplinkQuery(DeviceRoutes& routes) : routes_(routes) {}

bool UplinkQuery::is_uplink(int ifindex) {
    if (!routes_.socket().features().strict_check) {  // the kernel would ignore RTA_OIF
        if (!all_) all_ = default_route_devices(routes_.socket());
        return all_->contains(ifindex);
    }
    if (auto it = known_.find(ifindex); it != known_.end()) return it->second;
    bool found = false;
    try {
        routes_.for_each(
            ifindex, "list routes of #" + std::to_string(ifindex), [&] { found = false; },
            [&](const nlmsghdr& nlh) {
                DefaultRoutes one;
                if (!parse_route(nlh, one)) return;
                // Only routes that use the device come back, through a nexthop object too
                // (then no device is named); one that names its devices must name this one.
                one.oifs.erase(0);
                if (one.oifs.empty() || one.oifs.contains(ifindex)) found = true;
            });
    } catch (const HookError& e) {
        if (e.sys_errno() != ENODEV) throw;  // gone since the link dump: it carries nothing
    }
    known_.emplace(ifindex, found);
    return found;
}

}  // namespace netdev
