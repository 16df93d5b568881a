#include <doctest/doctest.h>
#include <linux/if.h>

#include "common/error.hpp"
#include "common/escape.hpp"
#include "netdev/guardrails.hpp"

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
