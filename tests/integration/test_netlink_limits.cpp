// The kernel's limits met head on: batches larger than the socket's send buffer, names over
// 15 bytes that only exist as altnames (docs/kernel-facts.md K15).
#include <linux/if_link.h>

#include "tests/integration/world.hpp"

using namespace netdev::test;

namespace {

// `count` IPv6 addresses 2001:db8:N::1/128 on `dev` in `where`, through one `ip -batch`.
void add_ipv6_addresses(const TestNetns& where, const std::string& dev, int count) {
    where.sh("for i in $(seq 1 " + std::to_string(count) +
             "); do printf 'addr add 2001:db8:%x::1/128 dev " + dev +
             " nodad\\n' $i; done | ip -batch -");
}

std::size_t documentation_addresses(const DeviceView& v) {
    std::size_t n = 0;
    for (const std::string& a : v.addresses) n += a.starts_with("2001:db8:");
    return n;
}

const std::string kAltname40 = "uplink-port-with-a-very-long-altname-040";

}  // namespace

TEST_CASE("a device with 5000 IPv6 addresses moves with every one (batches fit the send buffer)") {
    // 5000 restore requests of 52 bytes are 260 000 bytes, more than the default send buffer
    // (net.core.wmem_default 212992): as one datagram the kernel refuses them all (EMSGSIZE).
    REQUIRE(kAltname40.size() == 40);
    World w;
    w.veth("v0");
    w.host.sh("ip link set v0 up");
    add_ipv6_addresses(w.host, "v0", 5000);
    REQUIRE(documentation_addresses(w.on_host("v0")) == 5000);
    Bundle b(config_with(R"({"v0":{"name":"big0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    DeviceView v = w.in_container("big0");
    CHECK(v.up);
    CHECK(documentation_addresses(v) == 5000);
}

TEST_CASE("restore_addresses puts back 5000 addresses in one call") {
    World w;
    w.veth("v0");
    w.host.sh("ip link set v0 up");
    add_ipv6_addresses(w.host, "v0", 5000);
    netdev::NetlinkSocket sock = w.host.socket();
    auto link = netdev::find_link_by_name(sock, "v0");
    REQUIRE(link);
    std::vector<netdev::AddressRecord> carried;
    for (auto& a : netdev::dump_addresses(sock, link->index, "v0"))
        if (netdev::is_carried(a)) carried.push_back(std::move(a));
    REQUIRE(carried.size() == 5000);
    w.host.sh("ip -6 addr flush dev v0 scope global");
    REQUIRE(documentation_addresses(w.on_host("v0")) == 0);
    netdev::restore_addresses(sock, link->index, "v0", "v0", carried);
    CHECK(documentation_addresses(w.on_host("v0")) == 5000);
}

TEST_CASE("a 127-byte altname finds its device; 15-byte names still go by IFLA_IFNAME") {
    World w;
    w.veth("v0");
    const std::string longest(127, 'x');
    w.host.sh("ip link property add dev v0 altname " + longest +
              " && ip link property add dev v0 "
              "altname fifteen-bytes-1");
    netdev::NetlinkSocket sock = w.host.socket();
    auto by_longest = netdev::find_link_by_name(sock, longest);
    REQUIRE(by_longest);
    CHECK(by_longest->name == "v0");
    CHECK(by_longest->altnames == std::vector<std::string>{longest, "fifteen-bytes-1"});
    auto by_short_alt = netdev::find_link_by_name(sock, "fifteen-bytes-1");
    REQUIRE(by_short_alt);
    CHECK(by_short_alt->name == "v0");
    CHECK_FALSE(netdev::find_link_by_name(sock, std::string(127, 'y')));
}

TEST_CASE("a device asked for by its 40-byte altname is moved") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip link property add dev v0 altname " + kAltname40);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({")" + kAltname40 + R"(":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK_FALSE(view_device(w.host, "v0"));
    DeviceView c0 = w.in_container("c0");
    CHECK(c0.mac == before.mac);
    CHECK(c0.addresses.size() == 3);
    // Altnames move with the device (docs/kernel-facts.md K7): it is found by it in the container.
    auto by_alt = view_device(w.container, kAltname40);
    REQUIRE(by_alt);
    CHECK(by_alt->name == "c0");
}

TEST_CASE("a device with a 40-byte altname is moved by its name; the altname goes along") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip link property add dev v0 altname " + kAltname40);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    netdev::NetlinkSocket sock = w.container.socket();
    auto c0 = netdev::find_link_by_name(sock, "c0");
    REQUIRE(c0);
    CHECK(c0->altnames == std::vector<std::string>{kAltname40});
}

TEST_CASE("a 40-byte altname already taken in the container is refused before any change") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip link property add dev v0 altname " + kAltname40);
    w.container.sh(
        "ip link add x0 type veth peer name x0p && ip link property add dev x0 altname " +
        kAltname40);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "v0: its altname " + kAltname40 + " already exists"));
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("a host name of 128 bytes is refused as input (exit 2), naming the limit") {
    World w;
    w.veth("v0");
    Bundle b(config_with(R"({")" + std::string(128, 'x') + R"(":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text,
                   "128 bytes long, the kernel allows at most 15 (127 for an altname)"));
}

TEST_CASE("a device moved by its 40-byte altname comes back under its own name at poststop") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip link property add dev v0 altname " + kAltname40);
    DeviceView before = w.on_host("v0");
    std::string ns_path = "/proc/" + std::to_string(w.init.pid()) + "/ns/net";
    Bundle b(config_with(R"({")" + kAltname40 + R"(":{"name":"c0"}})", ns_path));
    REQUIRE(w.hook(b).exit_code == 0);
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
    auto by_alt = view_device(w.host, kAltname40);
    REQUIRE(by_alt);
    CHECK(by_alt->name == "v0");
}
