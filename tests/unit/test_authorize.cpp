#include <doctest/doctest.h>

#include <linux/if.h>

#include "hooks/authorize.hpp"

using namespace netdev;

namespace {

ResolvedDevice found(int index, const std::string& name) {
    LinkInfo l;
    l.index = index;
    l.name = name;
    return {{name, name}, l, false};
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("guardrails first, then the policy; each decision names its rule") {
    LinkInfo uplink;
    uplink.index = 2;
    uplink.name = "wan0";
    GuardedSet guards({uplink}, {2});
    Policy policy = parse_policy(R"({"allow": [{"devices": ["eth1"]}]})", "/etc/p.json");
    std::vector<Decision> d = authorize({found(2, "wan0"),
                                         found(3, "eth1"),
                                         found(4, "eth2"),
                                         {{"gone", "gone"}, std::nullopt, false}},
                                        guards, policy, {RequestSource::annotation, ""});
    REQUIRE(d.size() == 3);  // nothing to decide for a device not on the host
    CHECK_FALSE(d[0].allowed);
    CHECK(d[0].rule == "guardrail uplink");
    CHECK(contains(d[0].message,
                   "wan0: refused by guardrail uplink: carries a default route; "
                   "to give it anyway, name it in a rule of /etc/p.json with "
                   "\"lift\": [\"uplink\"]"));
    CHECK(d[1].allowed);
    CHECK(d[1].rule == "policy allow[0]");
    CHECK_FALSE(d[2].allowed);
    CHECK(d[2].rule == "policy");
    CHECK(contains(d[2].message, "no rule of /etc/p.json allows annotation requests"));
}

TEST_CASE("a trusted source needs no rule, but a guardrail still refuses it") {
    LinkInfo lo;
    lo.index = 1;
    lo.name = "lo";
    lo.flags = IFF_LOOPBACK;
    GuardedSet guards({lo}, {});
    Policy none;
    none.path = "/etc/oci-netdev-hook/policy.json";
    std::vector<Decision> d =
        authorize({found(1, "lo"), found(5, "v0")}, guards, none, {RequestSource::config, ""});
    CHECK(d[0].rule == "guardrail loopback");
    CHECK(contains(d[0].message, "the loopback device"));
    CHECK_FALSE(contains(d[0].message, "lift"));  // cannot be lifted: no advice to
    CHECK(d[1].allowed);
    CHECK(d[1].rule == "trusted source config");
}

TEST_CASE("a lift applies only to the guardrails it names, and is reported") {
    LinkInfo port;
    port.index = 6;
    port.name = "p0";
    port.master = 7;
    GuardedSet guards({port}, {6});  // an uplink and a port
    Policy lift_uplink =
        parse_policy(R"({"allow": [{"devices": ["p0"], "lift": ["uplink"]}]})", "/p");
    auto d = authorize({found(6, "p0")}, guards, lift_uplink, {RequestSource::config, ""});
    CHECK(d[0].rule == "guardrail port");
    Policy lift_both =
        parse_policy(R"({"allow": [{"devices": ["p0"], "lift": ["uplink", "port"]}]})", "/p");
    d = authorize({found(6, "p0")}, guards, lift_both, {RequestSource::config, ""});
    CHECK(d[0].allowed);
    CHECK(d[0].rule == "policy allow[0]");
    REQUIRE(d[0].lifted.size() == 2);
    CHECK(d[0].lifted[0].guard == Guard::uplink);
}
