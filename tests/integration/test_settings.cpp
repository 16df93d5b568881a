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
    CHECK(changed_settings(w.host.netns(), "v0") == std::vector<DeviceSetting>{
                                                        {"ipv4", "rp_filter", "2"},
                                                        {"ipv4", "arp_ignore", "1"},
                                                        {"ipv6", "accept_ra", "0"},
                                                        {"ipv6", "keep_addr_on_down", "1"},
                                                    });
}

TEST_CASE("arp_ignore=1 and accept_ra=0 set on the host device arrive with it in the container") {
    World w;
    w.veth("v0");
    w.host.sh(
        "echo 1 > /proc/sys/net/ipv4/conf/v0/arp_ignore && "
        "echo 0 > /proc/sys/net/ipv6/conf/v0/accept_ra");
    std::vector<DeviceSetting> carried = changed_settings(w.host.netns(), "v0");
    NetlinkSocket host = w.host.socket();
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
