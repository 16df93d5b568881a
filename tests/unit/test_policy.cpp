#include <doctest/doctest.h>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "hooks/authorize.hpp"

using namespace netdev;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_policy(text, "/p.json");
    } catch (const HookError& e) {
        CHECK(e.code() == ExitCode::invalid_input);
        return e.what();
    }
    FAIL("no error for " << text);
    return {};
}

LinkInfo dev(const std::string& name, std::vector<std::string> alts = {}) {
    LinkInfo l;
    l.name = name;
    l.altnames = std::move(alts);
    return l;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the smallest policy allows annotation requests for eth1 and ens5f0v*") {
    Policy p = parse_policy(R"({"allow": [{"devices": ["eth1", "ens5f0v*"]}]})", "/p.json");
    PolicyQuery q{RequestSource::annotation, ""};
    CHECK(find_allow_rule(p, q, dev("eth1")));
    CHECK(find_allow_rule(p, q, dev("ens5f0v12")));
    CHECK_FALSE(find_allow_rule(p, q, dev("eth10")));
    CHECK_FALSE(find_allow_rule(p, q, dev("ens5f1")));
    CHECK(find_allow_rule(p, q, dev("x", {"eth1"})));  // altnames count
    CHECK(p.max_devices == 16);
    CHECK(is_trusted(p, RequestSource::config));
    CHECK(is_trusted(p, RequestSource::command_line));
    CHECK_FALSE(is_trusted(p, RequestSource::annotation));
    CHECK_FALSE(is_trusted(p, RequestSource::env));
}

TEST_CASE("rules match by source and Kubernetes namespace; the first match wins") {
    Policy p = parse_policy(R"({"allow": [
        {"devices": ["vf*"], "sources": ["env"]},
        {"devices": ["vf*"], "namespaces": ["team-?", "lab"], "lift": ["port"]}]})",
                            "/p.json");
    CHECK(find_allow_rule(p, {RequestSource::env, ""}, dev("vf1"))->label == "allow[0]");
    CHECK_FALSE(find_allow_rule(p, {RequestSource::annotation, ""}, dev("vf1")));
    const PolicyRule* r = find_allow_rule(p, {RequestSource::annotation, "team-b"}, dev("vf1"));
    REQUIRE(r);
    CHECK(r->label == "allow[1]");
    CHECK(r->lift == std::vector<Guard>{Guard::port});
    CHECK_FALSE(find_allow_rule(p, {RequestSource::annotation, "team-bc"}, dev("vf1")));
}

TEST_CASE("trusted sources and the limit are the admin's to set") {
    Policy p = parse_policy(R"({"trusted_sources": ["command-line"], "max_devices": 4,
                               "comment": "lab node"})",
                            "/p.json");
    CHECK_FALSE(is_trusted(p, RequestSource::config));
    CHECK(is_trusted(p, RequestSource::command_line));
    CHECK(p.max_devices == 4);
}

TEST_CASE("policy errors name the file, the field and the value") {
    CHECK(contains(error_of("{"), "/p.json: not valid JSON"));
    CHECK(contains(error_of("[]"), "/p.json: expected an object"));
    CHECK(contains(error_of(R"({"allow": {}})"), "allow: expected an array of rules"));
    CHECK(contains(error_of(R"({"deny": []})"), R"(/p.json: unknown key "deny")"));
    CHECK(contains(error_of(R"({"allow": [{}]})"), "allow[0].devices: missing"));
    CHECK(contains(error_of(R"({"allow": [{"devices": "eth1"}]})"),
                   "allow[0].devices: expected an array of strings"));
    CHECK(contains(error_of(R"({"allow": [{"devices": [7]}]})"),
                   "allow[0].devices[0]: expected a string"));
    CHECK(contains(error_of(R"({"allow": [{"devices": ["a"], "selectors": []}]})"),
                   R"(allow[0]: unknown key "selectors")"));
    CHECK(contains(error_of(R"({"allow": [{"devices": ["a"], "lift": ["netns-local"]}]})"),
                   "cannot be lifted"));
    CHECK(contains(error_of(R"({"allow": [{"devices": ["a"], "lift": ["uplinks"]}]})"),
                   R"(unknown guardrail "uplinks")"));
    CHECK(contains(error_of(R"({"max_devices": 257})"), "from 1 to 256, got 257"));
    CHECK(contains(error_of(R"({"max_devices": "4"})"), "max_devices: expected an integer"));
    CHECK(contains(error_of(R"({"trusted_sources": ["runtime"]})"), R"(unknown source "runtime")"));
}

TEST_CASE("bad patterns are refused, each with its reason") {
    CHECK(pattern_problem("eth*") == std::nullopt);
    CHECK(pattern_problem("ens[0-9]f?v*") == std::nullopt);
    CHECK(pattern_problem("eth[!0]") == std::nullopt);
    CHECK(pattern_problem("a[]]") == std::nullopt);
    CHECK(pattern_problem("") == "empty");
    CHECK(pattern_problem("eth[") == "'[' without its ']'");
    CHECK(pattern_problem("e[a[b]") == "'[' inside a [...] class");
    CHECK(pattern_problem("a b").has_value());
    CHECK(pattern_problem("a\nb").has_value());
    CHECK(pattern_problem("a/b").has_value());
    CHECK(pattern_problem("eth0:1").has_value());  // ':' only in selector patterns
    CHECK(pattern_problem("a\\*").has_value());
    CHECK(contains(error_of(R"({"allow": [{"devices": ["ok", "bad["]}]})"),
                   R"(allow[0].devices[1]: bad pattern "bad[")"));
}

TEST_CASE("the shipped example policy parses") {
    std::string path = std::string(NETDEV_SOURCE_DIR) + "/config/policy.json.example";
    Policy p = parse_policy(read_file_bounded(path, kMaxPolicyBytes), path);
    CHECK(p.allow.size() == 3);
    CHECK(p.max_devices == 8);
    CHECK(p.allow[2].lift == std::vector<Guard>{Guard::uplink});
}

TEST_CASE("carry is all by default; addresses keeps routes and settings home; others are errors") {
    CHECK(parse_policy("{}", "/p.json").carry_l3);
    CHECK(parse_policy(R"({"carry": "all"})", "/p.json").carry_l3);
    CHECK_FALSE(parse_policy(R"({"carry": "addresses"})", "/p.json").carry_l3);
    CHECK(contains(error_of(R"({"carry": "routes"})"),
                   "/p.json: carry: \"routes\": expected all or addresses"));
    CHECK(contains(error_of(R"({"carry": true})"), "/p.json: carry"));
}

TEST_CASE("native is auto by default; yes and no are the admin's word; others are errors") {
    CHECK(parse_policy("{}", "/p.json").native == NativeMode::detect);
    CHECK(parse_policy(R"({"native": "auto"})", "/p.json").native == NativeMode::detect);
    CHECK(parse_policy(R"({"native": "yes"})", "/p.json").native == NativeMode::yes);
    CHECK(parse_policy(R"({"native": "no"})", "/p.json").native == NativeMode::no);
    CHECK(contains(error_of(R"({"native": "maybe"})"),
                   "/p.json: native: \"maybe\": expected auto, yes or no"));
    CHECK(contains(error_of(R"({"native": true})"), "/p.json: native"));
}
