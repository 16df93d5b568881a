// Per-device settings on real kernels: those changed from the source netns's defaults are
// found, and set again on the device once it is in the container (K13: the move resets them).
#include "common/proc_sys.hpp"
#include "netdev/device_settings.hpp"
#include "tests/integration/in_process.hpp"
#include "tests/integration/world.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

std::string sysctl(const TestNetns& ns, const std::string& family, const std::string& device,
                   const std::string& name) {
    return read_device_sysctl(ns.netns(), {family, device, name});
}

}  // namespace

TEST_CASE("settings changed from the host's defaults are found; the others stay behind") {
    World w;
    // A changed default is inherited by devices created after it: not a per-device change.
    w.host.sh("echo 2 > /proc/sys/net/ipv4/conf/default/arp_announce");
    w.veth("v0");
    w.host.sh(
        "echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore && "
        "echo 2 > /proc/sys/net/ipv4/conf/v0/rp_filter && "
        "echo 0 > /proc/sys/net/ipv6/conf/v0/accept_ra && "
        "echo 1 > /proc/sys/net/ipv6/conf/v0/keep_addr_on_down");
    CHECK(sysctl(w.host, "ipv4", "v0", "arp_announce") == "2");
    NetlinkSocket host = w.host.socket();
    CHECK(changed_settings(w.host.netns(), *find_link_by_name(host, "v0")) ==
          std::vector<DeviceSetting>{
              {"ipv4", "rp_filter", "2"},
              {"ipv4", "arp_ignore", "1"},
              {"ipv6", "accept_ra", "0"},
              {"ipv6", "keep_addr_on_down", "1"},
          });
}

TEST_CASE("every setting the device's RTM_GETLINK carries reads as /proc shows it") {
    World w;
    w.veth("v0");
    // Off their defaults, so a value read from the wrong slot of IFLA_INET{,6}_CONF shows.
    w.host.sh(
        "cd /proc/sys/net/ipv4/conf/v0 && echo 1 > arp_ignore && echo 2 > rp_filter && "
        "echo 1 > arp_filter && echo 1 > proxy_arp && echo 1 > route_localnet && "
        "echo 1 > src_valid_mark && echo 2 > arp_announce && echo 1 > drop_gratuitous_arp && "
        "cd /proc/sys/net/ipv6/conf/v0 && echo 0 > accept_ra && echo 7 > hop_limit && "
        "echo 3 > dad_transmits && echo 5 > router_solicitations && echo 1 > proxy_ndp && "
        "echo 1 > keep_addr_on_down && echo 2 > use_tempaddr && echo 1 > addr_gen_mode");
    NetlinkSocket host = w.host.socket();
    std::vector<DeviceSetting> reported = reported_settings(*find_link_by_name(host, "v0"));
    CHECK(reported.size() == 44);  // this kernel has every option of the list built in
    for (const DeviceSetting& s : reported) {
        CAPTURE(s.family + "/" + s.name);
        CHECK(s.value == sysctl(w.host, s.family, "v0", s.name));
    }
}

TEST_CASE("arp_ignore=1 and accept_ra=0 set on the host device arrive with it in the container") {
    World w;
    w.veth("v0");
    w.host.sh(
        "echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore && "
        "echo 0 > /proc/sys/net/ipv6/conf/v0/accept_ra");
    NetlinkSocket host = w.host.socket();
    std::vector<DeviceSetting> carried =
        changed_settings(w.host.netns(), *find_link_by_name(host, "v0"));
    move_link(host, *find_link_by_name(host, "v0"), w.container.netns().fd(),
              w.container.netns().label(), "c0");
    // The move reset them to the container's defaults (K13).
    REQUIRE(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "0");
    REQUIRE(sysctl(w.container, "ipv6", "c0", "accept_ra") == "1");
    apply_settings(w.container.netns(), "c0", carried);
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "1");
    CHECK(sysctl(w.container, "ipv6", "c0", "accept_ra") == "0");
}

TEST_CASE("the hook carries arp_ignore=1 and accept_ra=0 with the device into the container") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh(
        "echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore && "
        "echo 0 > /proc/sys/net/ipv6/conf/v0/accept_ra");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "1");
    CHECK(sysctl(w.container, "ipv6", "c0", "accept_ra") == "0");
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_announce") == "0");  // untouched: a default
}

TEST_CASE("on rollback the device gets its own settings back on the host") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore");
    // K2: the kernel moves the device, then refuses the name: the mover brings it home.
    auto e = move_in_process(w, {{"v0", "bad:name"}});
    REQUIRE(e);
    CHECK(e->code() == ExitCode::failed_restored);
    CHECK(sysctl(w.host, "ipv4", "v0", "arp_ignore") == "1");
}

namespace {

// v0 (192.0.2.1/24 and IPv6, up) with IPv4 and IPv6 gateway routes in main, a device route
// in table 100 and arp_ignore=1: what travels with it unless the container or the policy
// says otherwise.
void routed_veth(const World& w) {
    w.configured_veth("v0", 2);
    w.host.sh(
        "ip route add 198.51.100.0/24 via 192.0.2.254 dev v0 && "
        "ip -6 route add 2001:db8:77::/64 via 2001:db8:2::fe dev v0 metric 50 && "
        "ip route add 203.0.113.0/24 dev v0 table 100 && "
        "echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore");
}

bool has_route(const TestNetns& ns, const std::string& args) {
    const char* family = args.find(':') == std::string::npos ? "-4" : "-6";
    return ns.sh_status(std::string("ip ") + family + " route show " + args +
                        " 2>/dev/null | grep -q .") == 0;
}

}  // namespace

TEST_CASE("carry=addresses: only the addresses travel; poststop brings routes and settings back") {
    World w;
    routed_veth(w);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = run_hook_binary(
        w.host, b.state(w.init.pid(), "creating", R"({"oci-netdev-hook.carry":"addresses"})"),
        {"--restore", "createRuntime"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("c0").addresses.size() == 3);
    CHECK(w.in_container("c0").up);
    CHECK_FALSE(has_route(w.container, "198.51.100.0/24"));
    CHECK_FALSE(has_route(w.container, "table 100 203.0.113.0/24"));
    CHECK_FALSE(has_route(w.container, "2001:db8:77::/64"));
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "0");

    HookResult back = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    REQUIRE_MESSAGE(back.exit_code == 0, back.stderr_text);
    CHECK(w.on_host("v0").addresses.size() == 3);
    CHECK(has_route(w.host, "198.51.100.0/24 via 192.0.2.254 dev v0"));
    CHECK(has_route(w.host, "table 100 203.0.113.0/24 dev v0"));
    CHECK(has_route(w.host, "2001:db8:77::/64 via 2001:db8:2::fe dev v0 metric 50"));
    CHECK(sysctl(w.host, "ipv4", "v0", "arp_ignore") == "1");
}

TEST_CASE("by default routes and settings travel, and poststop brings them back to the host") {
    World w;
    routed_veth(w);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = run_hook_binary(w.host, b.state(w.init.pid()), {"--restore", "createRuntime"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(has_route(w.container, "198.51.100.0/24 via 192.0.2.254 dev c0"));
    CHECK(has_route(w.container, "table 100 203.0.113.0/24 dev c0"));
    CHECK(has_route(w.container, "2001:db8:77::/64 via 2001:db8:2::fe dev c0 metric 50"));
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "1");

    HookResult back = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    REQUIRE_MESSAGE(back.exit_code == 0, back.stderr_text);
    CHECK(has_route(w.host, "198.51.100.0/24 via 192.0.2.254 dev v0"));
    CHECK(has_route(w.host, "table 100 203.0.113.0/24 dev v0"));
    CHECK(has_route(w.host, "2001:db8:77::/64 via 2001:db8:2::fe dev v0 metric 50"));
    CHECK(sysctl(w.host, "ipv4", "v0", "arp_ignore") == "1");
}

TEST_CASE("the policy's carry=addresses keeps routes and settings out of every container") {
    World w;
    routed_veth(w);
    TestPolicy policy(R"({"carry": "addresses"})");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    // The container asks for all: the admin's "addresses" wins.
    HookResult r = run_hook_binary(
        w.host, b.state(w.init.pid(), "creating", R"({"oci-netdev-hook.carry":"all"})"));
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("c0").addresses.size() == 3);
    CHECK_FALSE(has_route(w.container, "198.51.100.0/24"));
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "0");
}

TEST_CASE("a carry annotation that is neither all nor addresses is refused, naming it") {
    World w;
    routed_veth(w);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = run_hook_binary(
        w.host, b.state(w.init.pid(), "creating", R"({"oci-netdev-hook.carry":"routes"})"));
    CHECK(r.exit_code == 2);
    CHECK(contains(
        r.stderr_text,
        R"(state.annotations["oci-netdev-hook.carry"]: "routes": expected all or addresses)"));
    CHECK(w.on_host("v0") == before);
    CHECK(has_route(w.host, "198.51.100.0/24 via 192.0.2.254 dev v0"));
}

TEST_CASE(
    "a value the host's default has too stays behind; the record keeps all for the way back") {
    World w;
    // Inherited from a changed default, not set on the device: the container keeps its own.
    w.host.sh("echo 2 > /proc/sys/net/ipv4/conf/default/arp_announce");
    w.configured_veth("v0", 2);
    w.host.sh(
        "echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore && "
        "echo 0 > /proc/sys/net/ipv6/conf/v0/accept_ra");
    REQUIRE(sysctl(w.host, "ipv4", "v0", "arp_announce") == "2");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = run_hook_binary(w.host, b.state(w.init.pid()), {"--restore", "createRuntime"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_ignore") == "1");
    CHECK(sysctl(w.container, "ipv6", "c0", "accept_ra") == "0");
    CHECK(sysctl(w.container, "ipv4", "c0", "arp_announce") == "0");  // the container's default

    // status lists the two the admin set, not the 40-odd defaults the record also keeps.
    HookResult st = run_hook_binary(w.host, "", {"status", b.id()});
    REQUIRE_MESSAGE(st.exit_code == 0, st.stderr_text);
    CHECK(contains(st.stdout_text, "ipv4.arp_ignore = 1"));
    CHECK(contains(st.stdout_text, "ipv6.accept_ra = 0"));
    CHECK_FALSE(contains(st.stdout_text, "arp_announce"));
    CHECK_FALSE(contains(st.stdout_text, "rp_filter"));

    // The container changes one on its side; back home the device has what it had.
    w.container.sh("echo 0 > /proc/sys/net/ipv4/conf/c0/arp_ignore");
    HookResult back = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    REQUIRE_MESSAGE(back.exit_code == 0, back.stderr_text);
    CHECK(sysctl(w.host, "ipv4", "v0", "arp_ignore") == "1");
    CHECK(sysctl(w.host, "ipv6", "v0", "accept_ra") == "0");
    CHECK(sysctl(w.host, "ipv4", "v0", "arp_announce") == "2");
}
