// Routes through a device, read and replayed over netlink on real kernels: what is carried,
// what is left to the kernel, and what the pre-check refuses before anything changes.
#include <linux/rtnetlink.h>

#include <algorithm>

#include "common/error.hpp"
#include "netdev/routes.hpp"
#include "tests/integration/in_process.hpp"
#include "tests/support/counting_transport.hpp"
#include "tests/support/fake_kernel.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

// Each carried route through `dev` in `where`, described as if the device were named `as`.
std::vector<std::string> routes_of(const TestNetns& where, const std::string& dev,
                                   const std::string& as = "") {
    NetlinkSocket sock = where.socket();
    auto link = find_link_by_name(sock, dev);
    REQUIRE_MESSAGE(link, dev << " not in " << where.netns().label());
    std::vector<std::string> out;
    for (const RouteRecord& r : dump_routes(sock, link->index, dev))
        out.push_back(r.describe(as.empty() ? dev : as));
    std::sort(out.begin(), out.end());
    return out;
}

// Every field and attribute of each route but its output ifindex, which the move changes.
std::vector<std::string> exact_routes(const TestNetns& where, const std::string& dev) {
    NetlinkSocket sock = where.socket();
    auto link = find_link_by_name(sock, dev);
    REQUIRE_MESSAGE(link, dev << " not in " << where.netns().label());
    std::vector<std::string> out;
    for (const RouteRecord& r : dump_routes(sock, link->index, dev)) {
        std::string s = std::to_string(r.family) + " " + std::to_string(r.dst_len) + " " +
                        std::to_string(r.src_len) + " " + std::to_string(r.tos) + " " +
                        std::to_string(r.protocol) + " " + std::to_string(r.scope) + " " +
                        std::to_string(r.type) + " " + std::to_string(r.flags) + " " +
                        std::to_string(r.table);
        for (const RouteAttribute& a : r.replayed) {
            s += " " + std::to_string(a.type) + "=";
            if (a.type == RTA_OIF || a.type == RTA_MULTIPATH) continue;
            for (std::uint8_t b : a.data) s += std::to_string(b) + ".";
        }
        out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The hook's own pipeline moves `dev` as `as`, routes and all. Its default route in table 100
// makes it an uplink: the policy lifts that guardrail for it, as an admin would.
void carry(World& w, const std::string& dev, const std::string& as) {
    Policy policy;
    policy.allow.push_back({"allow[0]", {dev}, {}, {}, {Guard::uplink}});
    std::optional<HookError> e = pipeline_in_process(w, {{dev, as}}, {.policy = policy});
    REQUIRE_MESSAGE(!e, (e ? e->what() : ""));
}

// The refusal check_routes() gives for v0's routes against the container, or "".
std::string precheck(World& w) {
    NetlinkSocket host = w.host.socket(), ctr = w.container.socket();
    LinkInfo link = *find_link_by_name(host, "v0");
    std::vector<AddressRecord> addrs;
    for (AddressRecord& a : dump_addresses(host, link.index, "v0"))
        if (is_carried(a)) addrs.push_back(a);
    try {
        check_routes(dump_routes(host, link.index, "v0"), link.index, "v0", addrs,
                     list_routes(ctr));
    } catch (const HookError& e) {
        CHECK(e.code() == ExitCode::refused);
        return e.what();
    }
    return "";
}

// v0 (192.0.2.1/24, 2001:db8:2::1/64 nodad, 2001:db8:2:1::1/64) with routes in main, table
// 100 and table 1000, IPv4 and IPv6: gateway, metric, src, onlink, multipath.
void routed_veth(World& w) {
    w.configured_veth("v0", 2);
    w.host.sh(
        "ip route add default via 192.0.2.254 dev v0 table 100 metric 50 && "
        "ip route add 198.51.100.0/24 via 192.0.2.253 dev v0 metric 7 src 192.0.2.1 && "
        "ip route add 203.0.113.0/24 via 10.99.0.1 dev v0 onlink && "
        "ip route add 10.7.0.0/16 dev v0 table 1000 && "
        "ip route add 10.50.0.0/16 nexthop via 192.0.2.10 dev v0 weight 2 "
        "nexthop via 192.0.2.11 dev v0 && "
        "ip -6 route add 2001:db8:99::/64 via 2001:db8:2::fe dev v0 metric 10 && "
        "ip -6 route add default via fe80::1 dev v0 table 100 && "
        "ip -6 route add 2001:db8:98::/64 dev v0 src 2001:db8:2::1");
}

}  // namespace

TEST_CASE("routes through a device are listed from every table but local, IPv4 and IPv6") {
    World w;
    routed_veth(w);
    // Not v0's: another device's route, and v0's own temporary route.
    w.veth("v1");
    w.host.sh(
        "ip link set v1 up && ip route add 10.8.0.0/16 dev v1 && "
        "ip -6 route add 2001:db8:77::/64 dev v0 expires 600");
    // The kernel's own (prefix routes, fe80::/64, table local) come back with the addresses.
    CHECK(routes_of(w.host, "v0") ==
          std::vector<std::string>{
              "10.50.0.0/16 nexthop via 192.0.2.10 dev v0 weight 2 nexthop via 192.0.2.11 dev v0 "
              "weight 1",
              "10.7.0.0/16 dev v0 table 1000 scope link",
              "198.51.100.0/24 via 192.0.2.253 dev v0 metric 7 src 192.0.2.1",
              "2001:db8:98::/64 dev v0 metric 1024 src 2001:db8:2::1",
              "2001:db8:99::/64 via 2001:db8:2::fe dev v0 metric 10",
              "203.0.113.0/24 via 10.99.0.1 dev v0 onlink",
              "default via 192.0.2.254 dev v0 table 100 metric 50",
              "default via fe80::1 dev v0 table 100 metric 1024",
          });
}

TEST_CASE("routes dumped on the host and added on the moved device are the same routes") {
    World w;
    routed_veth(w);
    std::vector<std::string> before = routes_of(w.host, "v0", "c0");
    std::vector<std::string> exact = exact_routes(w.host, "v0");
    REQUIRE(before.size() == 8);
    carry(w, "v0", "c0");
    CHECK(routes_of(w.container, "c0") == before);
    CHECK(exact_routes(w.container, "c0") == exact);
}

TEST_CASE("a run reads a device's routes once: the uplink guardrail's dump is the snapshot's") {
    World w;
    routed_veth(w);
    std::vector<std::string> before = routes_of(w.host, "v0", "c0");
    const int index = [&] {
        NetlinkSocket sock = w.host.socket();
        return find_link_by_name(sock, "v0").value().index;
    }();
    // Route dumps through v0 (RTA_OIF), on any socket of the run: each walks every route of
    // the host netns in the kernel (docs/kernel-facts.md K18).
    int dumps = 0;
    auto through_v0 = [index](const nlmsghdr& nlh) {
        if (nlh.nlmsg_type != RTM_GETROUTE || !(nlh.nlmsg_flags & NLM_F_DUMP)) return false;
        const nlattr* oif = find_attr(nlh, sizeof(rtmsg), RTA_OIF);
        return oif && mnl_attr_get_u32(oif) == static_cast<std::uint32_t>(index);
    };
    SocketFactory counted = [&](const Netns& ns) { return counting_socket(ns, through_v0, dumps); };

    // Its default route in table 100 makes it an uplink: refused, from that one dump (the
    // refusal comes before any snapshot: this half holds the guardrail, not the sharing).
    std::optional<HookError> refused = pipeline_in_process(w, {{"v0", "c0"}}, {.open = counted});
    REQUIRE(refused);
    CHECK(std::string(refused->what()).find("guardrail uplink") != std::string::npos);
    CHECK(dumps == 1);

    // Lifted by the policy: moved, routes and all, and still one dump (the snapshot's routes
    // are the guardrail's).
    dumps = 0;
    Policy policy;
    policy.allow.push_back({"allow[0]", {"v0"}, {}, {}, {Guard::uplink}});
    std::optional<HookError> e =
        pipeline_in_process(w, {{"v0", "c0"}}, {.open = counted, .policy = policy});
    REQUIRE_MESSAGE(!e, (e ? e->what() : ""));
    CHECK(dumps == 1);
    CHECK(routes_of(w.container, "c0") == before);
}

TEST_CASE("a route whose src is not carried is refused, naming it") {
    World w;
    w.configured_veth("v0", 2);
    w.veth("v1");
    w.host.sh(
        "ip addr add 10.20.0.1/24 dev v1 && ip link set v1 up && "
        "ip route add 198.51.100.0/24 dev v0 src 10.20.0.1");
    CHECK(precheck(w) ==
          "route 198.51.100.0/24 dev v0 scope link src 10.20.0.1: its src 10.20.0.1 is not an "
          "address carried with v0");
}

TEST_CASE("an IPv6 route whose src would still be under DAD in the container is refused") {
    World w;
    w.veth("v0");
    // No DAD on the host (so the route can exist there), but the address is not nodad.
    w.host.sh(
        "echo 0 > /proc/sys/net/ipv6/conf/v0/accept_dad && ip link set v0 up && "
        "ip -6 addr add 2001:db8:4::1/64 dev v0 && "
        "ip -6 route add 2001:db8:98::/64 dev v0 src 2001:db8:4::1");
    CHECK(contains(precheck(w), "its src 2001:db8:4::1 is under duplicate address detection"));
}

TEST_CASE("a gateway reached only through an address that stays behind is refused") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh(
        "ip addr add 10.30.0.1/24 dev v0 valid_lft 600 preferred_lft 600 && "
        "ip route add 198.51.100.0/24 via 10.30.0.254 dev v0");
    CHECK(precheck(w) ==
          "route 198.51.100.0/24 via 10.30.0.254 dev v0: its gateway 10.30.0.254 is in no "
          "subnet carried with v0 (onlink would allow it)");
}

TEST_CASE("a multipath route through a device that does not move is refused") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    w.host.sh(
        "ip route add 10.50.0.0/16 nexthop via 192.0.2.10 dev v0 nexthop via 192.0.3.10 dev v1");
    CHECK(contains(precheck(w), "route 10.50.0.0/16 nexthop via 192.0.2.10 dev #"));
    CHECK(contains(precheck(w), "a nexthop goes through another device"));
}

TEST_CASE("a route the container already has (same table, destination, metric) is refused") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip route add default via 192.0.2.254 dev v0 table 100 metric 50");
    w.container.sh(
        "ip link add c1 type veth peer name c1p && ip addr add 10.40.0.1/24 dev c1 && "
        "ip link set c1 up && ip route add default via 10.40.0.254 dev c1 table 100 metric 50");
    CHECK(contains(precheck(w),
                   "route default via 192.0.2.254 dev v0 table 100 metric 50: the target already "
                   "has default via 10.40.0.254 dev #"));
    // A different metric is another route: no clash.
    w.container.sh(
        "ip route del default table 100 metric 50 && "
        "ip route add default via 10.40.0.254 dev c1 table 100 metric 51");
    CHECK(precheck(w) == "");
}
