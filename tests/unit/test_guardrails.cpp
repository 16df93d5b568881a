#include <doctest/doctest.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include "common/error.hpp"
#include "common/escape.hpp"
#include "netdev/guardrails.hpp"
#include "tests/support/fake_kernel.hpp"

using namespace netdev;

namespace {

LinkInfo dev(int index, const std::string& name, const std::string& kind = "", int master = 0,
             int lower = 0) {
    LinkInfo l;
    l.index = index;
    l.name = name;
    l.kind = kind;
    l.master = master;
    l.link = lower;
    l.netns_immutable = kind == "bridge";
    return l;
}

std::vector<Guard> guards_of(const GuardedSet& set, int index) {
    std::vector<Guard> out;
    for (const GuardReason& r : set.reasons(index)) out.push_back(r.guard);
    return out;
}

}  // namespace

TEST_CASE("a veth pair in one netns guards neither end: the peer is not a lower device") {
    GuardedSet set({dev(2, "v0", "veth", 0, 3), dev(3, "v0p", "veth", 0, 2)}, {});
    CHECK(set.reasons(2).empty());
    CHECK(set.reasons(3).empty());
}

TEST_CASE("loopback, netns-local, port and lower are marked with their reasons") {
    LinkInfo lo = dev(1, "lo");
    lo.flags = IFF_LOOPBACK;
    lo.netns_immutable = true;
    GuardedSet set({lo, dev(4, "br0", "bridge"), dev(5, "p0", "veth", 4), dev(6, "low", ""),
                    dev(7, "mv", "macvlan", 0, 6)},
                   {});
    CHECK(guards_of(set, 1) == std::vector<Guard>{Guard::loopback, Guard::netns_local});
    CHECK(guards_of(set, 4) == std::vector<Guard>{Guard::netns_local});
    CHECK(guards_of(set, 5) == std::vector<Guard>{Guard::port});
    CHECK(set.reasons(5).front().why == "a port of br0");
    CHECK(guards_of(set, 6) == std::vector<Guard>{Guard::lower});
    CHECK(set.reasons(6).front().why == "the lower device of mv");
    CHECK(set.reasons(7).empty());
}

TEST_CASE("an uplink guards what it is built on and what is built on it, not unrelated devices") {
    // eth0 -> bond0 (master) carries the default route; vlan on bond0; eth1 is bond0's other
    // port; br9 with an unrelated port.
    GuardedSet set({dev(2, "eth0", "", 3), dev(8, "eth1", "", 3), dev(3, "bond0", "bond"),
                    dev(4, "vl", "vlan", 0, 3), dev(5, "mv", "macvlan", 0, 4),
                    dev(6, "br9", "bridge"), dev(7, "q", "veth", 6)},
                   {3});
    CHECK(guards_of(set, 3) == std::vector<Guard>{Guard::uplink, Guard::lower});  // under vl
    CHECK(guards_of(set, 8) == std::vector<Guard>{Guard::uplink_stack, Guard::port});
    CHECK(guards_of(set, 2) == std::vector<Guard>{Guard::uplink_stack, Guard::port});
    CHECK(guards_of(set, 4) == std::vector<Guard>{Guard::uplink_stack, Guard::lower});
    CHECK(guards_of(set, 5) == std::vector<Guard>{Guard::uplink_stack});
    CHECK(guards_of(set, 7) == std::vector<Guard>{Guard::port});
}

TEST_CASE("without IFLA_NETNS_IMMUTABLE a bridge is still netns-local (K12)") {
    LinkInfo br = dev(4, "br0", "bridge");
    br.netns_immutable.reset();
    GuardedSet set({br}, {});
    CHECK(guards_of(set, 4) == std::vector<Guard>{Guard::netns_local});
}

TEST_CASE("guardrail names round-trip; loopback and netns-local cannot be lifted") {
    for (Guard g : {Guard::loopback, Guard::netns_local, Guard::uplink, Guard::uplink_stack,
                    Guard::port, Guard::lower})
        CHECK(guard_from_name(guard_name(g)) == g);
    CHECK_FALSE(guard_can_be_lifted(Guard::loopback));
    CHECK_FALSE(guard_can_be_lifted(Guard::netns_local));
    CHECK(guard_can_be_lifted(Guard::uplink));
}

TEST_CASE("the per-container limit refuses with exit 3") {
    check_device_limit(16, 16, "linux.netDevices");
    try {
        check_device_limit(1000, 16, "linux.netDevices");
        FAIL("no error");
    } catch (const HookError& e) {
        CHECK(e.code() == ExitCode::refused);
        CHECK(std::string(e.what()).find("1000 devices requested") != std::string::npos);
    }
}

TEST_CASE("control characters are escaped, everything else kept") {
    CHECK(escape_control("eth0") == "eth0");
    CHECK(escape_control("a\nb\x1b[2J\x7f") == "a\\x0ab\\x1b[2J\\x7f");
    CHECK(escape_control(escape_control("a\tb")) == "a\\x09b");
    CHECK(escape_control("ü") == "ü");
}

namespace {

using netdev::test::FakeKernel;
using netdev::test::FakeSocket;
using netdev::test::ReplyMessage;

// A host of v0 (#2, veth, peer #3), a macvlan mv (#5) on v0 carrying the default route, and
// 1000 unrelated veths (#100...): the link dump, lookups by ifindex, RTA_OIF-filtered route
// dumps (when `strict`), as a kernel answers them.
FakeKernel::Responder busy_host(int& full_route_dumps) {
    return [&full_route_dumps](FakeKernel& k, const nlmsghdr& req) {
        auto link = [&](int index, const char* name, const char* kind, int lower) {
            ReplyMessage r(RTM_NEWLINK, req, NLM_F_MULTI);
            r.extra_header<ifinfomsg>().ifi_index = index;
            r.put_str(IFLA_IFNAME, name);
            if (lower) r.put_u32(IFLA_LINK, static_cast<std::uint32_t>(lower));
            nlattr* info = mnl_attr_nest_start(r.header(), IFLA_LINKINFO);
            mnl_attr_put_strz(r.header(), IFLA_INFO_KIND, kind);
            mnl_attr_nest_end(r.header(), info);
            k.queue(r);
        };
        const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&req));
        if (req.nlmsg_type == RTM_GETLINK && (req.nlmsg_flags & NLM_F_DUMP)) {
            link(2, "v0", "veth", 3);
            link(5, "mv", "macvlan", 2);
            for (int i = 100; i < 1100; ++i) link(i, "ux", "veth", i + 1000);
            k.done(req);
        } else if (req.nlmsg_type == RTM_GETLINK) {
            link(ifi->ifi_index, ifi->ifi_index == 5 ? "mv" : "v0", "veth", 0);
            k.ack(req);
        } else if (req.nlmsg_type == RTM_GETROUTE) {
            const nlattr* oif = netdev::test::find_attr(req, sizeof(rtmsg), RTA_OIF);
            if (!oif) ++full_route_dumps;
            if (!oif || mnl_attr_get_u32(oif) == 5) {
                ReplyMessage r(RTM_NEWROUTE, req, NLM_F_MULTI);
                auto& rtm = r.extra_header<rtmsg>();
                rtm.rtm_family = AF_INET;
                rtm.rtm_type = RTN_UNICAST;
                rtm.rtm_table = RT_TABLE_MAIN;
                r.put_u32(RTA_OIF, 5);
                k.queue(r);
            }
            k.done(req);
        } else {
            k.ack(req);
        }
    };
}

ResolvedDevice asked_v0() {
    ResolvedDevice d;
    d.request.host_name = "v0";
    d.host_link = dev(2, "v0", "veth", 0, 3);
    return d;
}

}  // namespace

TEST_CASE(
    "host_guarded_set without a sysfs view: one link dump, route dumps filtered to the asked "
    "device's stack") {
    for (bool strict : {true, false}) {
        CAPTURE(strict);
        int full_route_dumps = 0;
        FakeSocket f(busy_host(full_route_dumps));
        f.kernel->kernel_features.strict_check = strict;
        GuardedSet set = host_guarded_set(f.sock, {asked_v0()}, dumped_host_stack);
        CHECK(guards_of(set, 2) == std::vector<Guard>{Guard::uplink_stack, Guard::lower});
        CHECK(set.reasons(2)[0].why == "the uplink mv is built on it");
        CHECK(set.reasons(2)[1].why == "the lower device of mv");
        CHECK(set.reasons(5).empty());  // not asked for
        int link_dumps = 0, route_dumps = 0;
        for (const auto& r : f.kernel->requests) {
            const nlmsghdr& nlh = netdev::test::as_nlmsg(r);
            if (!(nlh.nlmsg_flags & NLM_F_DUMP)) continue;
            (nlh.nlmsg_type == RTM_GETLINK ? link_dumps : route_dumps)++;
            if (nlh.nlmsg_type == RTM_GETLINK)  // small messages: no statistics
                CHECK(mnl_attr_get_u32(netdev::test::find_attr(
                          nlh, sizeof(ifinfomsg), IFLA_EXT_MASK)) == RTEXT_FILTER_SKIP_STATS);
        }
        CHECK(link_dumps == 1);
        // Strict: one per device of the stack (v0, mv), never the host's whole table.
        CHECK(route_dumps == (strict ? 2 : 1));
        CHECK(full_route_dumps == (strict ? 0 : 1));
    }
}

TEST_CASE("host_guarded_set: nothing asked on the host, nothing read") {
    int full_route_dumps = 0;
    FakeSocket f(busy_host(full_route_dumps));
    ResolvedDevice gone;
    gone.request.host_name = "gone0";
    GuardedSet set = host_guarded_set(f.sock, {gone}, dumped_host_stack);
    CHECK(f.kernel->requests.empty());
}

namespace {

namespace fs = std::filesystem;

// A sysfs tree as the kernel lays it out for the busy host above (measured on 6.18: a macvlan
// mv on v0 is class/net/v0/upper_mv and class/net/mv/lower_v0, each a symlink to the other's
// directory holding its ifindex; docs/kernel-facts.md K16).
struct SysfsFixture {
    fs::path root;
    SysfsFixture() {
        std::string tmpl = (fs::temp_directory_path() / "netdev-sysfs-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()));
        root = tmpl;
        device("v0", 2);
        device("mv", 5);
        fs::create_directory_symlink("../mv", root / "class/net/v0/upper_mv");
        fs::create_directory_symlink("../v0", root / "class/net/mv/lower_v0");
    }
    ~SysfsFixture() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void device(const std::string& name, int index) const {
        fs::create_directories(root / "class/net" / name);
        write(root / "class/net" / name / "ifindex", std::to_string(index) + "\n");
    }
    static void write(const fs::path& p, const std::string& text) {
        std::FILE* f = std::fopen(p.c_str(), "w");
        REQUIRE(f);
        std::fputs(text.c_str(), f);
        std::fclose(f);
    }
    HostStackSource source() const {
        return [root = root.string()](NetlinkSocket& host) {
            return host_link_stack(host, SysfsView::of_directory(root));
        };
    }
};

int link_dumps(const FakeKernel& k) {
    int n = 0;
    for (const auto& r : k.requests) {
        const nlmsghdr& nlh = netdev::test::as_nlmsg(r);
        n += nlh.nlmsg_type == RTM_GETLINK && (nlh.nlmsg_flags & NLM_F_DUMP);
    }
    return n;
}

}  // namespace

TEST_CASE("host_guarded_set from the kernel's adjacency: the same reasons, no link dump") {
    SysfsFixture sysfs;
    int full_route_dumps = 0;
    FakeSocket f(busy_host(full_route_dumps));
    GuardedSet set = host_guarded_set(f.sock, {asked_v0()}, sysfs.source());
    CHECK(guards_of(set, 2) == std::vector<Guard>{Guard::uplink_stack, Guard::lower});
    CHECK(set.reasons(2)[0].why == "the uplink mv is built on it");
    CHECK(set.reasons(2)[1].why == "the lower device of mv");
    CHECK(link_dumps(*f.kernel) == 0);
    CHECK(full_route_dumps == 0);
}

TEST_CASE("the link dump answers where the adjacency cannot vouch or may not list everything") {
    struct Case {
        const char* what;
        std::function<void(const SysfsFixture&)> change;
    };
    for (const Case& c : std::vector<Case>{
             {"v0's directory is another device's (renamed under the read)",
              [](const SysfsFixture& s) {
                  SysfsFixture::write(s.root / "class/net/v0/ifindex", "7\n");
              }},
             {"an upper that cannot be resolved (gone under the read)",
              [](const SysfsFixture& s) { fs::remove_all(s.root / "class/net/mv"); }},
             {"an IP tunnel driver loaded (IFLA_LINK without adjacency)",
              [](const SysfsFixture& s) { fs::create_directories(s.root / "module/ipip"); }},
             {"a built-in tunnel driver's fallback device",
              [](const SysfsFixture& s) { s.device("gre0", 9); }},
         }) {
        CAPTURE(c.what);
        SysfsFixture sysfs;
        c.change(sysfs);
        int full_route_dumps = 0;
        FakeSocket f(busy_host(full_route_dumps));
        GuardedSet set = host_guarded_set(f.sock, {asked_v0()}, sysfs.source());
        CHECK(guards_of(set, 2) == std::vector<Guard>{Guard::uplink_stack, Guard::lower});
        CHECK(link_dumps(*f.kernel) == 1);
    }
}

TEST_CASE("without a sysfs of the netns (no fsopen, or refused) the link dump answers") {
    int full_route_dumps = 0;
    FakeSocket f(busy_host(full_route_dumps));
    std::unique_ptr<LinkStack> stack = host_link_stack(f.sock, std::nullopt);
    CHECK(stack->source() == "link dump");
    CHECK(link_dumps(*f.kernel) == 1);
}

TEST_CASE("with IFLA_LINK-only drivers loaded, the dump's edges are added to the adjacency") {
    SysfsFixture sysfs;
    // Only the dump knows mv on v0 (as for a tunnel bound with `dev`), only sysfs knows vx
    // (as for a vxlan's underlay, an adjacency the dump does not show).
    fs::remove(sysfs.root / "class/net/v0/upper_mv");
    sysfs.device("vx", 9);
    fs::create_directory_symlink("../vx", sysfs.root / "class/net/v0/upper_vx");
    fs::create_directories(sysfs.root / "module/ip_gre");
    int full_route_dumps = 0;
    FakeSocket f(busy_host(full_route_dumps));
    std::unique_ptr<LinkStack> stack = sysfs.source()(f.sock);
    CHECK(stack->source() == "kernel adjacency and link dump");
    StackNeighbours n = stack->neighbours({2, "v0"});
    std::vector<int> above;
    for (const StackedLink& l : n.above) above.push_back(l.index);
    CHECK(above == std::vector<int>{5, 9});
    CHECK(link_dumps(*f.kernel) == 1);
}
