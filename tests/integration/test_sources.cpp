// Where the device list comes from: the annotation form for podman and CRI-O users.
#include "tests/integration/world.hpp"

using namespace netdev::test;

// Annotation requests need the admin's allow (oci-netdev-hook-policy(5)).
const char* kAllowV0 = R"({"allow": [{"devices": ["v0"]}]})";

TEST_CASE("devices listed in the config annotation are moved when the policy allows them") {
    World w;
    TestPolicy policy(kAllowV0);
    w.configured_veth("v0", 2);
    Bundle b(R"({"annotations":{"oci-netdev-hook.devices":"{\"v0\":{\"name\":\"a0\"}}"},
                 "linux":{"namespaces":[{"type":"network"}]}})");
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("a0").addresses.size() == 3);
}

TEST_CASE("devices listed only in the state's annotations are moved when the policy allows them") {
    World w;
    TestPolicy policy(kAllowV0);
    w.configured_veth("v0", 2);
    Bundle b(R"({"linux":{"namespaces":[{"type":"network"}]}})");
    std::string state = R"({"id":"p1","status":"creating","pid":)" + std::to_string(w.init.pid()) +
                        R"(,"bundle":")" + b.dir().string() +
                        R"(","annotations":{"oci-netdev-hook.devices":"{\"v0\":{}}"}})";
    HookResult r = run_hook_binary(w.host, state);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("v0").up);
}

TEST_CASE("a malformed annotation is refused with exit 2, naming it") {
    World w;
    Bundle b(R"({"annotations":{"oci-netdev-hook.devices":"{\"v0\":[]}"},
                 "linux":{"namespaces":[{"type":"network"}]}})");
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 2);
    CHECK(
        r.stderr_text.find(R"(annotations["oci-netdev-hook.devices"]["v0"]: expected an object)") !=
        std::string::npos);
}
