// Docker's `--network none` container netns: its prestart hook has set disable_ipv6=1 for all
// and default before our hook runs (docs/runtimes.md). The moved device gets IPv6 back, alone.
#include <linux/ipv6.h>

#include "common/error.hpp"
#include "common/proc_sys.hpp"
#include "netdev/link.hpp"

#include "tests/integration/world.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

std::string sysctl_in(const TestNetns& ns, const std::string& device) {
    return read_device_sysctl(ns.netns(), {"ipv6", device, "disable_ipv6"});
}

}  // namespace

TEST_CASE("a device sysctl is read and written in the netns given, not in the caller's") {
    TestNetns a("netns a"), b("netns b");
    a.sh("ip link add s0 type veth peer name s0p");
    b.sh("ip link add s0 type veth peer name s0p");
    write_device_sysctl(a.netns(), {"ipv6", "s0", "disable_ipv6"}, "1");
    CHECK(sysctl_in(a, "s0") == "1");
    CHECK(sysctl_in(b, "s0") == "0");
    CHECK(a.sh_status("grep -qx 1 /proc/sys/net/ipv6/conf/s0/disable_ipv6") == 0);
    CHECK(b.sh_status("grep -qx 0 /proc/sys/net/ipv6/conf/s0/disable_ipv6") == 0);
    CHECK_THROWS_WITH_AS(sysctl_in(a, "nope0"), doctest::Contains("No such file"), HookError);
}

// The hook decides from the lookup after the move whether to enable IPv6 (allow_ipv6.cpp):
// the value it reads there must be the one /proc holds, on and off (K17).
TEST_CASE("disable_ipv6 as the device's RTM_GETLINK carries it is what /proc shows") {
    TestNetns a("netns a");
    a.sh("ip link add s0 type veth peer name s0p");
    NetlinkSocket sock = a.socket();
    for (const char* value : {"1", "0"}) {
        CAPTURE(value);
        write_device_sysctl(a.netns(), {"ipv6", "s0", "disable_ipv6"}, value);
        LinkInfo l = *find_link_by_name(sock, "s0");
        REQUIRE(l.inet6_conf.size() > DEVCONF_DISABLE_IPV6);
        CHECK(std::to_string(l.inet6_conf[DEVCONF_DISABLE_IPV6]) == value);
        CHECK(sysctl_in(a, "s0") == value);
    }
}

TEST_CASE("IPv6 disabled in the container netns (Docker): the moved device keeps its IPv6") {
    World w;
    w.configured_veth("v0", 2);
    w.container.sh(
        "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && "
        "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));

    HookResult r = w.hook(b, {"--log-level", "info", "createRuntime"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(r.stderr_text.find("IPv6 was disabled on ctr0") != std::string::npos);
    CHECK(w.in_container("ctr0").addresses ==
          std::vector<std::string>{"192.0.2.1/24 brd 192.0.2.255 label ctr0 scope 0 flags 0x80",
                                   "2001:db8:2:1::1/64 scope 0 flags 0x80",
                                   "2001:db8:2::1/64 scope 0 flags 0x82"});
    CHECK(sysctl_in(w.container, "ctr0") == "0");
    CHECK(sysctl_in(w.container, "all") == "1");
    CHECK(sysctl_in(w.container, "default") == "1");
}

TEST_CASE("IPv6 on in the container netns: the device's disable_ipv6 is left alone, unwritten") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));
    HookResult r = w.hook(b, {"--log-level", "info", "createRuntime"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.stderr_text);
    // The log line comes with the write: none when the lookup said IPv6 was on.
    CHECK(r.stderr_text.find("IPv6 was disabled") == std::string::npos);
    CHECK(r.stderr_text.find("moved to") != std::string::npos);
    CHECK(sysctl_in(w.container, "ctr0") == "0");
    CHECK(w.in_container("ctr0").addresses.size() == 3);
}

TEST_CASE("IPv6 disabled in the container netns: a device with only IPv4 is left disabled") {
    World w;
    w.veth("v0");
    w.host.sh("ip addr add 10.9.0.1/16 dev v0");
    w.container.sh("echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    REQUIRE(w.hook(b).exit_code == 0);
    CHECK(sysctl_in(w.container, "c0") == "1");
}
