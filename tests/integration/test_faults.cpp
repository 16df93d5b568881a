// Every netlink request of a 3-device run fails in turn (a fault injected at the socket seam);
// each time, all three devices must be back on the host with names, addresses and admin
// state as before.
#include <cerrno>
#include <iostream>

#include "tests/integration/in_process.hpp"
#include "tests/support/fault_transport.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

void build_three(const World& w) {
    w.configured_veth("v0", 2);  // up, IPv4 with broadcast, IPv6 with and without DAD
    w.veth("v1");                // down, IPv4 only
    w.host.sh("ip addr add 10.1.0.1/16 dev v1");
    w.veth("v2");  // up, peer address, IPv6 nodad
    w.host.sh(
        "ip addr add 198.51.100.1 peer 198.51.100.2/32 dev v2 && "
        "ip -6 addr add 2001:db8:22::1/64 dev v2 nodad && ip link set v2 up");
}

}  // namespace

TEST_CASE("a fault at any netlink request of a 3-device run leaves all devices as they were") {
    const int errors[] = {EIO, ENOBUFS, EBUSY, ENOMEM};
    int injected = 0, intact = 0;
    for (int n = 1;; ++n) {
        World w;
        build_three(w);
        std::vector<DeviceView> before{w.on_host("v0"), w.on_host("v1"), w.on_host("v2")};
        FaultPlan plan{n, errors[n % 4]};
        auto error = move_in_process(
            w, {{"v0", "c0"}, {"v1", "c1"}, {"v2", "eth%d"}}, {}, [&](const Netns& ns) {
                return NetlinkSocket(
                    std::make_unique<FaultyTransport>(open_rtnl_transport(ns), plan), ns.label());
            });
        if (!plan.fired) {  // past the last request: the run is complete
            CHECK_FALSE(error);
            CHECK(link_names(w.container) == std::vector<std::string>{"c0", "c1", "eth0"});
            break;
        }
        ++injected;
        CAPTURE(n);
        REQUIRE(error);
        CHECK(error->code() == ExitCode::failed_restored);
        std::vector<DeviceView> after{w.on_host("v0"), w.on_host("v1"), w.on_host("v2")};
        CHECK(after == before);
        CHECK(link_names(w.container).empty());
        if (after == before && link_names(w.container).empty()) ++intact;
    }
    std::cout << "fault injection: " << injected << " faults injected, " << intact
              << " runs with every device intact\n";
    CHECK(injected >= 20);
    CHECK(intact == injected);
}
