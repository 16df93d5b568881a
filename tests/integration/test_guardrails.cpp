// Guardrails, always on, for every source: each refusal happens before anything is set down,
// names the device and the rule, and leaves the host exactly as it was.
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <cstdlib>

#include <filesystem>
#include <memory>
#include <optional>

#include "common/netns.hpp"
#include "common/sysfs_view.hpp"
#include "netdev/guardrails.hpp"
#include "netdev/link.hpp"
#include "netdev/netlink_transport.hpp"

#include "tests/integration/world.hpp"
#include "tests/support/counting_transport.hpp"

using namespace netdev::test;

namespace {

// Exit 3, one line naming the device and the rule, the device untouched on the host.
void check_refused(const World& w, const std::string& device, const std::string& rule,
                   const std::string& config = "") {
    DeviceView before = w.on_host(device);
    Bundle b(config.empty() ? config_with(R"({")" + device + R"(":{"name":"c0"}})") : config);
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(r.stderr_text.find('\n') == r.stderr_text.size() - 1);
    CHECK_MESSAGE(contains(r.stderr_text, device + ": refused by guardrail " + rule),
                  r.stderr_text);
    CHECK(w.on_host(device) == before);
    CHECK(link_names(w.container).empty());
    CHECK(
        contains(r.syslog_text, "device=" + device + " decision=refused rule=\"guardrail " + rule));
}

// The lock files in the hooks' state directory (shared by the tests, records stay).
std::vector<std::string> lock_files() {
    std::vector<std::string> names;
    for (const auto& e :
         std::filesystem::directory_iterator(std::getenv("OCI_NETDEV_HOOK_STATE_DIR")))
        if (e.path().extension() == ".lock") names.push_back(e.path().filename().string());
    return names;
}

// A router netns on the far side of `dev`: the host reaches the world through it.
struct Router {
    TestNetns ns{"router netns"};
    ParkedProcess init{ns};
    Router(const World& w, const std::string& dev, const std::string& subnet) {
        w.host.sh("ip link add " + dev + " type veth peer name " + dev + "r && ip link set " + dev +
                  "r netns " + std::to_string(init.pid()) + " && ip link set " + dev +
                  " up && ip addr add " + subnet + ".2/24 dev " + dev);
        ns.sh("ip link set " + dev + "r up && ip addr add " + subnet + ".1/24 dev " + dev + "r");
    }
};

// mpa and mpb: the nexthops of a multipath default route (table 7); nho: the device of a
// nexthop object a default route names (table 8).
struct MultipathUplinks {
    Router a, b, c;
    explicit MultipathUplinks(const World& w)
        : a(w, "mpa", "10.9.2"), b(w, "mpb", "10.9.3"), c(w, "nho", "10.9.4") {
        w.host.sh(
            "ip route add default table 7 nexthop via 10.9.2.1 dev mpa nexthop via 10.9.3.1 "
            "dev mpb && ip nexthop add id 42 via 10.9.4.1 dev nho && "
            "ip route add default nhid 42 table 8");
    }
};

}  // namespace

TEST_CASE("the loopback is refused before it is set down") {
    World w;
    w.host.sh("ip link set lo up");
    check_refused(w, "lo", "loopback");
    CHECK(w.on_host("lo").up);
}

TEST_CASE("a bridge (netns-local, K12) is refused before it is set down") {
    World w;
    w.host.sh("ip link add br0 type bridge && ip link set br0 up");
    check_refused(w, "br0", "netns-local");
}

TEST_CASE("the device carrying the IPv4 default route through a router netns is refused") {
    World w;
    Router r(w, "up0", "10.9.0");
    w.host.sh("ip route add default via 10.9.0.1");
    check_refused(w, "up0", "uplink");
    CHECK(w.host.sh_status("ip route show default | grep -q 'via 10.9.0.1 dev up0'") == 0);
}

TEST_CASE("a split default route (0.0.0.0/1 and 128.0.0.0/1, as VPNs set) makes an uplink") {
    World w;
    Router r(w, "vpn0", "10.9.5");
    w.host.sh("ip route add 0.0.0.0/1 via 10.9.5.1 && ip route add 128.0.0.0/1 via 10.9.5.1");
    check_refused(w, "vpn0", "uplink");
}

TEST_CASE("an IPv6 default route in another table makes an uplink too") {
    World w;
    Router r(w, "up6", "10.9.1");
    w.host.sh(
        "ip -6 addr add 2001:db8:9::2/64 dev up6 nodad && "
        "ip -6 route add default via 2001:db8:9::1 dev up6 table 100");
    check_refused(w, "up6", "uplink");
}

TEST_CASE("every nexthop of a multipath default route and of a nexthop object is an uplink") {
    World w;
    MultipathUplinks mp(w);
    check_refused(w, "mpb", "uplink");
    check_refused(w, "nho", "uplink");
}

TEST_CASE("the devices an uplink is built on and those built on it are refused") {
    World w;
    Router r(w, "ul0", "10.9.5");
    w.host.sh(
        "ip link add ulbr type bridge && ip link set ul0 master ulbr && "
        "ip link set ulbr up && ip addr add 10.9.5.3/24 dev ulbr && "
        "ip route add default via 10.9.5.1 dev ulbr && "
        "ip link add ulmv link ulbr type macvlan mode bridge");
    check_refused(w, "ul0", "uplink-stack");   // the uplink bridge's port
    check_refused(w, "ulmv", "uplink-stack");  // a macvlan on the uplink
}

TEST_CASE("a bridge port is refused and stays in its bridge (K14)") {
    World w;
    w.veth("pv0");
    w.host.sh("ip link add brp type bridge && ip link set pv0 master brp && ip link set brp up");
    check_refused(w, "pv0", "port");
    CHECK(w.host.sh_status("ip -o link show pv0 | grep -q 'master brp'") == 0);
}

TEST_CASE("the lower device of a host macvlan is refused; the macvlan itself may go") {
    World w;
    w.veth("lw0");
    w.host.sh("ip link add mv0 link lw0 type macvlan mode bridge");
    check_refused(w, "lw0", "lower");
    Bundle b(config_with(R"({"mv0":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("c0").name == "c0");
}

TEST_CASE("more devices than the per-container limit are refused before any lock is taken") {
    World w;
    w.veth("v0");
    std::string devices = "{";
    for (int i = 0; i < 17; ++i)
        devices += (i ? "," : "") + std::string("\"v") + std::to_string(i) + "\":{}";
    Bundle b(config_with(devices + "}"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "17 devices requested, more than the limit of 16 per container"));
    CHECK_MESSAGE(lock_files().empty(), lock_files().front());
    CHECK(link_names(w.container).empty());
}

TEST_CASE("no lock file is left behind, by a refusal or by a move") {
    World w;
    w.veth("v0");
    w.host.sh("ip link add brl type bridge");
    Bundle refused(config_with(R"({"v0":{},"brl":{}})"));
    CHECK(w.hook(refused).exit_code == 3);
    CHECK(lock_files().empty());
    Bundle ok(config_with(R"({"v0":{},"nosuch9":{}})"));
    CHECK(w.hook(ok).exit_code == 3);
    CHECK(lock_files().empty());
}

TEST_CASE("an admin lifts the uplink guardrail for a named device, and the audit says so") {
    World w;
    Router r(w, "wan1", "10.9.6");
    w.host.sh("ip route add default via 10.9.6.1 table 50");
    TestPolicy policy(R"({"allow": [{"devices": ["wan1"], "sources": ["config"],
                                     "lift": ["uplink"], "comment": "router container"}]})");
    Bundle b(config_with(R"({"wan1":{}})"));
    HookResult res = w.hook(b);
    CHECK_MESSAGE(res.exit_code == 0, res.stderr_text);
    CHECK(w.in_container("wan1").up);
    CHECK(contains(res.syslog_text,
                   "device=wan1 decision=lifted rule=\"guardrail uplink (carries a default route) "
                   "by policy allow[0]\""));
    CHECK(
        contains(res.syslog_text, "device=wan1 decision=moved rule=\"policy allow[0], as wan1\""));
}

TEST_CASE("lifting one guardrail does not lift another") {
    World w;
    w.veth("pv1");
    w.host.sh("ip link add brq type bridge && ip link set pv1 master brq");
    TestPolicy policy(R"({"allow": [{"devices": ["pv1"], "lift": ["uplink"]}]})");
    check_refused(w, "pv1", "port");
}

TEST_CASE("a container id too long for a file name is refused before the device moves") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{}})"));
    std::string state = b.state(w.init.pid());
    // 250 bytes are fine (the record takes 200 of them, test_lifecycle.cpp); 256 are not.
    state.replace(state.find(b.id()), b.id().size(), std::string(256, 'a'));
    HookResult r = run_hook_binary(w.host, state);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text, "is not a usable container id"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}

TEST_CASE("each guardrail still fires with 1000 unrelated links present") {
    World w;
    // 500 veth pairs in the host netns, in one ip -batch (a few seconds one by one).
    w.host.sh(
        "for i in $(seq 0 499); do echo \"link add ux$i type veth peer name ux${i}p\"; done | "
        "ip -batch -");
    CHECK(w.host.sh_status("test $(ip -o link show | wc -l) -ge 1001") == 0);
    w.host.sh("ip link set lo up");
    check_refused(w, "lo", "loopback");
    w.host.sh("ip link add br0 type bridge && ip link set br0 up");
    check_refused(w, "br0", "netns-local");

    Router r(w, "up0", "10.9.0");
    w.host.sh("ip route add default via 10.9.0.1");
    check_refused(w, "up0", "uplink");
    MultipathUplinks mp(w);
    check_refused(w, "mpb", "uplink");
    check_refused(w, "nho", "uplink");
    Router u6(w, "up6", "10.9.1");
    w.host.sh(
        "ip -6 addr add 2001:db8:9::2/64 dev up6 nodad && "
        "ip -6 route add ::/1 via 2001:db8:9::1 dev up6 table 100");
    check_refused(w, "up6", "uplink");

    Router s(w, "ul0", "10.9.5");
    w.host.sh(
        "ip link add ulbr type bridge && ip link set ul0 master ulbr && "
        "ip link set ulbr up && ip addr add 10.9.5.3/24 dev ulbr && "
        "ip route add default via 10.9.5.1 dev ulbr table 9 && "
        "ip link add ulmv link ulbr type macvlan mode bridge");
    check_refused(w, "ul0", "uplink-stack");
    check_refused(w, "ulmv", "uplink-stack");

    w.veth("pv0");
    w.host.sh("ip link add brp type bridge && ip link set pv0 master brp && ip link set brp up");
    check_refused(w, "pv0", "port");
    w.veth("lw0");
    w.host.sh("ip link add mv0 link lw0 type macvlan mode bridge");
    check_refused(w, "lw0", "lower");

    // And an unguarded device beside them all still moves.
    w.veth("free0");
    Bundle ok(config_with(R"({"free0":{"name":"c0"}})"));
    HookResult res = w.hook(ok);
    CHECK_MESSAGE(res.exit_code == 0, res.stderr_text);
    CHECK(w.in_container("c0").name == "c0");
}

namespace {

// "guard: why; guard: why" of `name` on the host, its stacking read from `source`.
std::string reasons_text(netdev::NetlinkSocket& sock, const std::string& name,
                         const netdev::HostStackSource& source) {
    netdev::ResolvedDevice d;
    d.request.host_name = name;
    d.host_link = netdev::find_link_by_name(sock, name);
    REQUIRE_MESSAGE(d.host_link, name);
    netdev::GuardedSet set = netdev::host_guarded_set(sock, {d}, source);
    std::string text;
    for (const auto& r : set.reasons(d.host_link->index))
        text += std::string(netdev::guard_name(r.guard)) + ": " + r.why + "; ";
    return text;
}

}  // namespace

TEST_CASE("the kernel's adjacency and the link dump give every device the same guardrails") {
    World w;
    Router r(w, "ul0", "10.9.5");
    w.host.sh(
        // an uplink bridge with a port and a macvlan on it; a bridge with two ports and a
        // macvlan on the bridge; a macvlan on a veth and one on that macvlan (the kernel puts
        // it on the veth); a plain veth; 100 unrelated links
        "ip link add ulbr type bridge && ip link set ul0 master ulbr && ip link set ulbr up && "
        "ip addr add 10.9.5.3/24 dev ulbr && ip route add default via 10.9.5.1 dev ulbr && "
        "ip link add ulmv link ulbr type macvlan mode bridge && "
        "ip link add pa0 type veth peer name pa1 && ip link add brA type bridge && "
        "ip link set pa0 master brA && ip link set pa1 master brA && "
        "ip link add mvA link brA type macvlan && ip link add lw1 type veth peer name lw1p && "
        "ip link add mv1 link lw1 type macvlan && ip link add mv2 link mv1 type macvlan && "
        "ip link add plain type veth peer name plainp && "
        "for i in $(seq 0 49); do echo \"link add ux$i type veth peer name ux${i}p\"; done | "
        "ip -batch -");
    netdev::NetnsGuard in_host(w.host.netns());
    int link_dumps = 0;
    netdev::NetlinkSocket sock = netdev::test::counting_socket(
        netdev::Netns::current(),
        [](const nlmsghdr& nlh) {
            return nlh.nlmsg_type == RTM_GETLINK && (nlh.nlmsg_flags & NLM_F_DUMP);
        },
        link_dumps);
    std::optional<netdev::SysfsView> sysfs = netdev::SysfsView::of_current_netns();
    REQUIRE_MESSAGE(sysfs, "fsopen(\"sysfs\") refused");
    bool tunnels = netdev::unlisted_stacking_possible(*sysfs);
    std::string from_adjacency_source;
    netdev::HostStackSource adjacency = [&](netdev::NetlinkSocket& s) {
        auto stack = netdev::kernel_host_stack(s);
        from_adjacency_source = stack->source();
        return stack;
    };
    for (std::string name : {"ul0", "ulbr", "ulmv", "pa0", "pa1", "brA", "mvA", "lw1", "mv1", "mv2",
                             "plain", "plainp", "lo", "ux7"}) {
        CAPTURE(name);
        link_dumps = 0;
        std::string from_adjacency = reasons_text(sock, name, adjacency);
        int adjacency_dumps = link_dumps;
        std::string from_dump = reasons_text(sock, name, netdev::dumped_host_stack);
        CHECK(from_adjacency == from_dump);
        if (tunnels) {  // a machine with IP tunnel drivers: the dump's edges are added (K16)
            CHECK(from_adjacency_source == "kernel adjacency and link dump");
        } else {
            CHECK(from_adjacency_source == "kernel adjacency");
            CHECK(adjacency_dumps == 0);
        }
    }
    // What the walk found, spot-checked against what the kernel was told above.
    CHECK(reasons_text(sock, "lw1", adjacency) == "lower: the lower device of mv1; ");
    CHECK(reasons_text(sock, "ulmv", adjacency) == "uplink-stack: built on the uplink ulbr; ");
    CHECK(reasons_text(sock, "pa1", adjacency) == "port: a port of brA; ");
}
