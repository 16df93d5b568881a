// What the route operations put on the wire and how they read the kernel's dumps, through
// the byte-level fake kernel: what the integration tests cannot isolate.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <set>
#include <utility>

#include "netdev/default_routes.hpp"
#include "netdev/route_nexthops.hpp"
#include "netdev/routes.hpp"
#include "tests/support/fake_kernel.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

std::vector<std::uint8_t> ipv4(const char* text) {
    std::vector<std::uint8_t> out(4);
    inet_pton(AF_INET, text, out.data());
    return out;
}

std::vector<std::uint8_t> u32_bytes(std::uint32_t v) {
    std::vector<std::uint8_t> out(4);
    std::memcpy(out.data(), &v, 4);
    return out;
}

// RTA_MULTIPATH payload: one rtnexthop per (ifindex, gateway), each with `flags`.
RouteAttribute multipath(std::initializer_list<std::pair<int, const char*>> hops,
                         std::uint8_t flags) {
    std::vector<std::uint8_t> data;
    for (const auto& [ifindex, gw] : hops) {
        rtnexthop nh{};
        nh.rtnh_len = static_cast<unsigned short>(RTNH_ALIGN(sizeof nh) + RTA_SPACE(4));
        nh.rtnh_flags = flags;
        nh.rtnh_ifindex = ifindex;
        rtattr attr{static_cast<unsigned short>(RTA_LENGTH(4)), RTA_GATEWAY};
        auto addr = ipv4(gw);
        std::size_t off = data.size();
        data.resize(off + nh.rtnh_len);
        std::memcpy(data.data() + off, &nh, sizeof nh);
        std::memcpy(data.data() + off + RTNH_ALIGN(sizeof nh), &attr, sizeof attr);
        std::memcpy(data.data() + off + RTNH_ALIGN(sizeof nh) + RTA_LENGTH(0), addr.data(), 4);
    }
    return {RTA_MULTIPATH, data};
}

RouteRecord route(std::uint32_t table, std::uint8_t dst_len, std::vector<RouteAttribute> attrs) {
    RouteRecord r;
    r.family = AF_INET;
    r.dst_len = dst_len;
    r.table = table;
    r.protocol = RTPROT_BOOT;
    r.type = RTN_UNICAST;
    r.replayed = std::move(attrs);
    return r;
}

const rtmsg& rtm_of(const std::vector<std::byte>& req) {
    return *static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&as_nlmsg(req)));
}

std::uint32_t u32_attr(const std::vector<std::byte>& req, std::uint16_t type) {
    const nlattr* a = find_attr(as_nlmsg(req), sizeof(rtmsg), type);
    REQUIRE_MESSAGE(a, "attribute " << type << " absent");
    return mnl_attr_get_u32(a);
}

}  // namespace

TEST_CASE("route restore: device routes first, the new ifindex everywhere, big tables, no state") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    RouteRecord gateway = route(
        1000, 0,
        {{RTA_GATEWAY, ipv4("10.0.0.1")}, {RTA_OIF, u32_bytes(4)}, {RTA_PRIORITY, u32_bytes(50)}});
    gateway.flags = RTNH_F_ONLINK | RTNH_F_LINKDOWN;
    RouteRecord device =
        route(RT_TABLE_MAIN, 16, {{RTA_DST, ipv4("10.7.0.0")}, {RTA_OIF, u32_bytes(4)}});
    RouteRecord spread = route(
        RT_TABLE_MAIN, 16,
        {{RTA_DST, ipv4("10.50.0.0")}, multipath({{4, "10.0.0.2"}, {4, "10.0.0.3"}}, RTNH_F_DEAD)});
    restore_routes(f.sock, 9, "c0", {gateway, device, spread});

    CHECK(f.kernel->datagrams_sent == 1);
    REQUIRE(f.kernel->requests.size() == 3);
    const auto& first = f.kernel->requests[0];  // the device route, so gateways are reachable
    CHECK(as_nlmsg(first).nlmsg_type == RTM_NEWROUTE);
    CHECK((as_nlmsg(first).nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE)) ==
          (NLM_F_CREATE | NLM_F_REPLACE));
    CHECK(rtm_of(first).rtm_dst_len == 16);
    CHECK(u32_attr(first, RTA_OIF) == 9);
    CHECK(u32_attr(first, RTA_TABLE) == RT_TABLE_MAIN);
    CHECK(rtm_of(first).rtm_table == RT_TABLE_MAIN);

    const auto& gw = f.kernel->requests[1];
    CHECK(rtm_of(gw).rtm_table == RT_TABLE_UNSPEC);  // 1000 fits RTA_TABLE only
    CHECK(u32_attr(gw, RTA_TABLE) == 1000);
    CHECK(rtm_of(gw).rtm_flags == RTNH_F_ONLINK);  // linkdown is the kernel's to say
    CHECK(u32_attr(gw, RTA_OIF) == 9);
    CHECK(u32_attr(gw, RTA_PRIORITY) == 50);

    const nlattr* mp = find_attr(as_nlmsg(f.kernel->requests[2]), sizeof(rtmsg), RTA_MULTIPATH);
    REQUIRE(mp);
    const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(mp));
    std::vector<Nexthop> hops =
        nexthops({RTA_MULTIPATH, std::vector<std::uint8_t>(p, p + mnl_attr_get_payload_len(mp))});
    REQUIRE(hops.size() == 2);
    for (const Nexthop& nh : hops) {
        CHECK(nh.ifindex == 9);
        CHECK(nh.flags == 0);  // dead dropped
    }
    CHECK(hops[1].gateway == ipv4("10.0.0.3"));
}

namespace {

void reply_route(FakeKernel& k, const nlmsghdr& req, std::uint32_t table, std::uint8_t proto,
                 int oif, std::uint32_t expires = 0, std::uint8_t family = AF_INET) {
    ReplyMessage r(RTM_NEWROUTE, req, NLM_F_MULTI);
    auto& rtm = r.extra_header<rtmsg>();
    rtm.rtm_family = family;
    rtm.rtm_dst_len = 24;
    rtm.rtm_table = static_cast<std::uint8_t>(table < 256 ? table : RT_TABLE_COMPAT);
    rtm.rtm_protocol = proto;
    rtm.rtm_type = RTN_UNICAST;
    r.put_u32(RTA_TABLE, table);
    auto dst = ipv4("198.51.100.0");
    r.put(RTA_DST, dst.data(), dst.size());
    r.put_u32(RTA_OIF, static_cast<std::uint32_t>(oif));
    rta_cacheinfo ci{};
    ci.rta_expires = expires;
    r.put(RTA_CACHEINFO, &ci, sizeof ci);
    k.queue(r);
}

}  // namespace

TEST_CASE("route dump: both families in one, by RTA_OIF; local, kernel, expiring, MPLS stay") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        reply_route(k, req, RT_TABLE_LOCAL, RTPROT_KERNEL, 4);
        reply_route(k, req, RT_TABLE_MAIN, RTPROT_KERNEL, 4);
        reply_route(k, req, RT_TABLE_MAIN, RTPROT_BOOT, 5);  // another device
        reply_route(k, req, RT_TABLE_MAIN, RTPROT_BOOT, 4, 300);
        reply_route(k, req, RT_TABLE_MAIN, RTPROT_RA, 4);
        reply_route(k, req, 1000, RTPROT_STATIC, 4);
        // An AF_UNSPEC dump runs every family's dump: an MPLS route out of the device (the
        // kernel's MPLS dump honours RTA_OIF too) is not an IP route to carry.
        reply_route(k, req, RT_TABLE_MAIN, RTPROT_STATIC, 4, 0, AF_MPLS);
        k.done(req);
    });
    std::vector<RouteRecord> routes = dump_routes(f.sock, 4, "v0");
    REQUIRE(routes.size() == 1);
    CHECK(routes[0].table == 1000);
    CHECK(routes[0].describe("v0") == "198.51.100.0/24 dev v0 table 1000 proto 4");
    REQUIRE(f.kernel->requests.size() == 1);
    CHECK(rtm_of(f.kernel->requests[0]).rtm_family == AF_UNSPEC);
    CHECK(rtm_of(f.kernel->requests[0]).rtm_type == RTN_UNICAST);
    CHECK(u32_attr(f.kernel->requests[0], RTA_OIF) == 4);
}

namespace {

// A default route (both families' dumps alike) over a multipath of `mp`, with a truncated
// last entry appended when `truncated`: an rtnexthop whose rtnh_len runs past the attribute.
void reply_multipath_default(FakeKernel& k, const nlmsghdr& req, const RouteAttribute& mp,
                             bool truncated) {
    ReplyMessage r(RTM_NEWROUTE, req, NLM_F_MULTI);
    auto& rtm = r.extra_header<rtmsg>();
    rtm.rtm_family = AF_INET;
    rtm.rtm_table = RT_TABLE_MAIN;
    rtm.rtm_protocol = RTPROT_STATIC;
    rtm.rtm_type = RTN_UNICAST;
    r.put_u32(RTA_TABLE, RT_TABLE_MAIN);
    std::vector<std::uint8_t> data = mp.data.to_vector();
    if (truncated) {
        rtnexthop nh{};
        nh.rtnh_len = 64;  // more than is left
        nh.rtnh_ifindex = 99;
        std::size_t off = data.size();
        data.resize(off + sizeof nh);
        std::memcpy(data.data() + off, &nh, sizeof nh);
    }
    r.put(RTA_MULTIPATH, data.data(), data.size());
    k.queue(r);
}

}  // namespace

TEST_CASE("a multipath route is parsed: every nexthop, its gateway; a truncated entry ends it") {
    RouteAttribute mp = multipath({{4, "10.0.0.2"}, {7, "10.0.0.3"}}, RTNH_F_ONLINK);
    for (bool truncated : {false, true}) {
        CAPTURE(truncated);
        FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
            if (static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&req))->rtm_family != AF_INET6)
                reply_multipath_default(k, req, mp, truncated);
            k.done(req);
        });
        std::vector<RouteRecord> routes = list_routes(f.sock);
        REQUIRE(routes.size() == 1);
        CHECK(routes[0].output_indexes() == std::vector<int>{4, 7});
        CHECK(routes[0].describe() ==
              "default proto 4 nexthop via 10.0.0.2 dev #4 weight 1 onlink"
              " nexthop via 10.0.0.3 dev #7 weight 1 onlink");
        const RouteAttribute* a = find_raw(routes[0].replayed, RTA_MULTIPATH);
        REQUIRE(a);
        std::vector<Nexthop> hops = nexthops(*a);
        REQUIRE(hops.size() == 2);
        CHECK(hops[0].gateway == ipv4("10.0.0.2"));
        // The guardrails' walk is the same one: both devices are uplinks, #99 is not read.
        CHECK(default_route_devices(f.sock) == std::set<int>{4, 7});
    }
}

TEST_CASE("the guardrails' route dump is retried when a change interrupts it") {
    int calls = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        reply_multipath_default(k, req, multipath({{3, "10.0.0.1"}}, 0), false);
        k.done(req, ++calls < 3 ? NLM_F_DUMP_INTR : 0);
    });
    CHECK(default_route_devices(f.sock) == std::set<int>{3});
    CHECK(calls == 3);
}

TEST_CASE("an asked device's routes are dumped once a run: the uplink query's dump is kept") {
    int dumps = 0;
    bool gone = true;  // the first dump finds the device gone (ENODEV), the next ones not
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        ++dumps;
        if (std::exchange(gone, false)) return k.ack(req, ENODEV);
        reply_route(k, req, 100, RTPROT_STATIC, 4);  // two /24s through #4, to carry
        reply_route(k, req, RT_TABLE_MAIN, RTPROT_STATIC, 4);
        k.done(req);
    });
    DeviceRoutes routes(f.sock);
    routes.keep(4);
    // An error is thrown and not kept: the next question dumps again.
    CHECK_THROWS_AS(dump_routes(routes, 4, "v0"), HookError);
    CHECK(dumps == 1);
    UplinkQuery uplinks(routes);
    CHECK_FALSE(uplinks.is_uplink(4));  // no default route among them
    CHECK(dumps == 2);
    CHECK(dump_routes(routes, 4, "v0").size() == 2);
    CHECK(dump_routes(routes, 4, "v0").size() == 2);
    CHECK(dumps == 2);  // the uplink query's messages, replayed
    // A device not asked for (the uplink under an asked macvlan): streamed, nothing kept.
    CHECK(dump_routes(routes, 5, "v5").size() == 0);  // reply_route's routes are #4's
    CHECK(dump_routes(routes, 5, "v5").size() == 0);
    CHECK(dumps == 4);
    // Without strict checking every route of the host comes back: nothing is kept.
    f.kernel->kernel_features.strict_check = false;
    DeviceRoutes loose(f.sock);
    loose.keep(4);
    CHECK(dump_routes(loose, 4, "v0").size() == 2);
    CHECK(dump_routes(loose, 4, "v0").size() == 2);
    CHECK(dumps == 6);
}

TEST_CASE("a dump the kernel interrupts is read again whole: kept or streamed, one attempt") {
    for (bool kept : {true, false}) {
        CAPTURE(kept);
        int attempts = 0;
        FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
            // The interrupted attempt has three routes, the next one two.
            ++attempts;
            reply_route(k, req, RT_TABLE_MAIN, RTPROT_STATIC, 4);
            reply_route(k, req, 100, RTPROT_STATIC, 4);
            if (attempts == 1) reply_route(k, req, 200, RTPROT_STATIC, 4);
            k.done(req, attempts == 1 ? NLM_F_DUMP_INTR : 0);
        });
        DeviceRoutes routes(f.sock);
        if (kept) routes.keep(4);
        CHECK(dump_routes(routes, 4, "v0").size() == 2);
        CHECK(attempts == 2);
        CHECK(dump_routes(routes, 4, "v0").size() == 2);
        CHECK(attempts == (kept ? 2 : 3));
    }
}
