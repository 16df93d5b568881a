// The main job, end to end: the built binary run as a runtime runs it, results read back over
// netlink in the namespaces.
#include <linux/if_addr.h>

#include "common/read_file.hpp"

#include "tests/integration/world.hpp"

using namespace netdev::test;

TEST_CASE("a renamed device arrives up, with its IPv4 and IPv6 addresses, MTU and MAC") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    REQUIRE(before.addresses.size() == 3);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));

    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(r.stderr_text.empty());  // quiet on success

    CHECK_FALSE(view_device(w.host, "v0"));
    DeviceView after = w.in_container("ctr0");
    CHECK(after.up);
    CHECK(after.mtu == 1400);
    CHECK(after.mac == before.mac);
    CHECK(after.addresses == std::vector<std::string>{
                                 "192.0.2.1/24 brd 192.0.2.255 label ctr0 scope 0 flags 0x80",
                                 "2001:db8:2:1::1/64 scope 0 flags 0x80",
                                 "2001:db8:2::1/64 scope 0 flags 0x82",
                             });
}

TEST_CASE("without a name the device keeps its host name") {
    World w;
    w.configured_veth("v0", 3);
    Bundle b(config_with(R"({"v0":{}})"));
    CHECK(w.hook(b).exit_code == 0);
    CHECK(w.in_container("v0").up);
}

TEST_CASE("a device that was down on the host is set up in the container") {
    World w;
    w.veth("v0");
    w.host.sh("ip addr add 10.9.0.1/16 dev v0");
    REQUIRE_FALSE(w.on_host("v0").up);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    CHECK(w.hook(b).exit_code == 0);
    DeviceView v = w.in_container("c0");
    CHECK(v.up);
    CHECK(v.addresses == std::vector<std::string>{"10.9.0.1/16 label c0 scope 0 flags 0x80"});
}

TEST_CASE(
    "custom broadcast and point-to-point peer are restored exactly; no broadcast stays none") {
    World w;
    w.veth("v0");
    w.host.sh(
        "ip addr add 192.0.2.1/24 brd 192.0.2.7 dev v0 && "
        "ip addr add 198.51.100.1 peer 198.51.100.2/32 dev v0 label v0:p2p && "
        "ip addr add 203.0.113.5/24 dev v0 && ip link set v0 up");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    CHECK(w.hook(b).exit_code == 0);
    CHECK(w.in_container("c0").addresses ==
          std::vector<std::string>{
              "192.0.2.1/24 brd 192.0.2.7 label c0 scope 0 flags 0x80",
              "198.51.100.1/32 peer 198.51.100.2 label c0:p2p scope 0 flags 0x80",
              "203.0.113.5/24 label c0 scope 0 flags 0x80",
          });
}

TEST_CASE(
    "flags such as noprefixroute survive; host-scope and non-permanent addresses stay behind") {
    World w;
    w.veth("v0");
    w.host.sh(
        "ip addr add 192.0.2.1/24 dev v0 noprefixroute && "
        "ip addr add 10.5.0.1/24 dev v0 scope host && ip addr add 10.6.0.1/24 dev v0 scope link && "
        "ip addr add 10.1.1.1/24 dev v0 valid_lft 600 preferred_lft 600 && "
        "ip -6 addr add 2001:db8:5::1/64 dev v0 valid_lft 600 preferred_lft 600 nodad && "
        "ip link set v0 up");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    CHECK(w.hook(b).exit_code == 0);
    CHECK(w.in_container("c0").addresses ==
          std::vector<std::string>{"192.0.2.1/24 label c0 scope 0 flags 0x280"});
}

TEST_CASE("a %d template gets the kernel's number; two templates get two numbers") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    w.container.sh("ip link add eth0 type veth peer name eth0p");
    Bundle b(config_with(R"({"v0":{"name":"eth%d"},"v1":{"name":"eth%d"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(link_names(w.container) == std::vector<std::string>{"eth0", "eth0p", "eth1", "eth2"});
    DeviceView e1 = w.in_container("eth1");
    CHECK(e1.up);
    // The label follows the kernel's pick, not the template.
    CHECK(e1.addresses.front() == "192.0.2.1/24 brd 192.0.2.255 label eth1 scope 0 flags 0x80");
    CHECK(w.in_container("eth2").addresses.size() == 3);
}

TEST_CASE("two devices in one call, in config order") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    Bundle b(config_with(R"({"v1":{"name":"b1"},"v0":{"name":"a0"}})"));
    CHECK(w.hook(b).exit_code == 0);
    CHECK(link_names(w.container) == std::vector<std::string>{"a0", "b1"});
    CHECK(link_names(w.host) == std::vector<std::string>{"v0p", "v1p"});
}

TEST_CASE("a re-run is a clean no-op") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));
    REQUIRE(w.hook(b).exit_code == 0);
    DeviceView first = w.in_container("ctr0");
    HookResult again = w.hook(b);
    CHECK_MESSAGE(again.exit_code == 0, again.stderr_text);
    CHECK(again.stderr_text.empty());
    CHECK(w.in_container("ctr0") == first);
}

TEST_CASE("the netns given by path in config.json is the target, not state.pid's") {
    World w;
    TestNetns other("pre-created netns");
    ParkedProcess holder(other);
    w.configured_veth("v0", 2);
    std::string path = "/proc/" + std::to_string(holder.pid()) + "/ns/net";
    Bundle b(config_with(R"({"v0":{"name":"c0"}})", path));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(view_device(other, "c0"));
    CHECK_FALSE(view_device(w.container, "c0"));
}

TEST_CASE("crun's state (status created, no stage argument) moves the devices") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = run_hook_binary(w.host, b.state(w.init.pid(), "created"), {});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("c0").up);
}

TEST_CASE("createContainer checks the devices inside the container and moves nothing") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    REQUIRE(w.hook(b).exit_code == 0);
    // In createContainer the hook runs in the container's namespaces; runc passes pid 1.
    HookResult ok = run_hook_binary(w.container, b.state(1), {"createContainer"});
    CHECK_MESSAGE(ok.exit_code == 0, ok.stderr_text);

    Bundle missing(config_with(R"({"v1":{"name":"c1"}})"));
    HookResult bad = run_hook_binary(w.container, missing.state(1), {"createContainer"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.stderr_text.find("v1: expected as c1 in container netns, not found") !=
          std::string::npos);
    CHECK(view_device(w.host, "v1"));  // not moved by createContainer
}

TEST_CASE("--log-file appends timestamped lines with container id, stage and device") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    std::string log = (b.dir() / "hook.log").string();
    HookResult r = w.hook(b, {"--log-file=" + log, "createRuntime"});
    CHECK(r.exit_code == 0);
    std::string text = netdev::read_file_bounded(log, 1 << 20);
    CHECK(text.find("container=" + b.id() + " stage=createRuntime device=v0: moved to") !=
          std::string::npos);
}

TEST_CASE("a device with 1024 addresses moves with every one (one batch, no lost acks)") {
    World w;
    w.veth("v0");
    std::string batch = "ip link set v0 up && (";
    batch +=
        "for i in $(seq 0 1023); do echo \"addr add 10.$((i / 250)).$((i % 250)).1/32 dev v0\"; "
        "done) | ip -batch -";
    w.host.sh(batch);
    Bundle b(config_with(R"({"v0":{"name":"big0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    DeviceView v = w.in_container("big0");
    CHECK(v.up);
    CHECK(v.addresses.size() == 1024);
}

TEST_CASE("a finite preferred lifetime travels: a deprecated permanent address stays deprecated") {
    World w;
    w.veth("v0");
    w.host.sh("ip addr add 192.0.2.9/24 dev v0 preferred_lft 0 && ip link set v0 up");
    REQUIRE(w.on_host("v0").addresses.front().ends_with("flags 0xa0"));  // permanent|deprecated
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    CHECK(w.hook(b).exit_code == 0);
    CHECK(w.in_container("c0").addresses ==
          std::vector<std::string>{"192.0.2.9/24 label c0 scope 0 flags 0xa0"});
}
