// Nothing lost: when the kernel refuses a move half way, every device touched goes back to
// the host under its name, with its addresses (IPv6 too, K1) and admin state.
#include "tests/integration/in_process.hpp"

using namespace netdev::test;
using netdev::NetDeviceRequest;

TEST_CASE("a kernel refusal at the third of three devices leaves all three intact on the host") {
    World w;
    w.configured_veth("v0", 2);
    w.veth("v1");
    w.host.sh("ip addr add 10.7.0.1/24 dev v1 && ip -6 addr add 2001:db8:7::1/64 dev v1 nodad");
    w.configured_veth("v2", 3);
    DeviceView v0 = w.on_host("v0"), v1 = w.on_host("v1"), v2 = w.on_host("v2");
    REQUIRE(v0.up);
    REQUIRE_FALSE(v1.up);  // down before: must be down after
    // The guardrails refuse what the kernel would (a bridge, K9, K12) before any change; the
    // mover must still cope when the kernel refuses half way: the third name is taken after
    // planning (K2), so two devices have moved when the kernel says EEXIST.
    auto e = move_in_process(w, {{"v0", "c0"}, {"v1", "c1"}, {"v2", "c2"}},
                             [&] { w.container.sh("ip link add c2 type veth peer name c2p"); });
    REQUIRE(e);
    CHECK(e->code() == netdev::ExitCode::failed_restored);
    CHECK(contains(e->what(), "v2: move v2 to /proc/"));
    CHECK(contains(e->what(), "all devices restored on the host"));

    CHECK(w.on_host("v0") == v0);
    CHECK(w.on_host("v1") == v1);
    CHECK(w.on_host("v2") == v2);
    CHECK(link_names(w.container) == std::vector<std::string>{"c2", "c2p"});
}

TEST_CASE("after a failed run the same devices move cleanly") {
    World w;
    w.configured_veth("v0", 2);
    w.veth("v1");
    // K2: v0 moves, then the kernel refuses v1's name after moving it: both come home.
    REQUIRE(move_in_process(w, {{"v0", "c0"}, {"v1", "bad:name"}}));
    Bundle good(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = w.hook(good);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("c0").addresses.size() == 3);
}

TEST_CASE("a name taken after planning: the kernel moves, then refuses (K2); both come home") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    DeviceView v0 = w.on_host("v0"), v1 = w.on_host("v1");
    auto error = move_in_process(w, {{"v0", "c0"}, {"v1", "c1"}},
                                 [&] { w.container.sh("ip link add c1 type veth peer name c1p"); });
    REQUIRE(error);
    const netdev::HookError& e = *error;
    CHECK(e.code() == netdev::ExitCode::failed_restored);
    CHECK(std::string(e.what()).find("v1: move v1 to") != std::string::npos);
    CHECK(w.on_host("v0") == v0);
    CHECK(w.on_host("v1") == v1);
    CHECK(link_names(w.container) == std::vector<std::string>{"c1", "c1p"});
}

TEST_CASE("a name the kernel refuses after moving (K2) is brought home") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView v0 = w.on_host("v0");
    // Skips validate_requests on purpose: the kernel's EINVAL comes after the move.
    auto e = move_in_process(w, {{"v0", "bad:name"}});
    REQUIRE(e);
    CHECK(e->code() == netdev::ExitCode::failed_restored);
    CHECK(w.on_host("v0") == v0);
    CHECK(link_names(w.container).empty());
}
