#include <doctest/doctest.h>

#include "common/error.hpp"
#include "common/oci_model.hpp"
#include "hooks/run_hook.hpp"
#include "hooks/runtime_features.hpp"

using namespace netdev;

namespace {

Stage stage_of(const std::string& status, const std::string& pid_json) {
    std::string pid = pid_json.empty() ? "" : R"(,"pid":)" + pid_json;
    return stage_from_state(
        parse_state(R"({"id":"c","status":")" + status + "\"" + pid + R"(,"bundle":"/b"})"));
}

}  // namespace

TEST_CASE("stage from state: runc and crun") {
    CHECK(stage_of("creating", "4242") == Stage::create_runtime);  // runc createRuntime
    CHECK(stage_of("created", "4242") == Stage::create_runtime);   // crun createRuntime
    CHECK(stage_of("creating", "1") == Stage::create_container);   // runc createContainer
    CHECK(stage_of("created", "0") == Stage::create_container);    // crun createContainer
    CHECK(stage_of("stopped", "null") == Stage::poststop);         // runc poststop
    CHECK(stage_of("stopped", "0") == Stage::poststop);            // crun poststop
}

TEST_CASE("stage from state: youki's shapes") {
    // youki >= 0.6: createRuntime "creating" with the init's pid, createContainer without one.
    CHECK(stage_of("creating", "4242") == Stage::create_runtime);
    CHECK(stage_of("creating", "") == Stage::create_container);
    // youki <= 0.5.7 ran createRuntime after create: "created", with the pid.
    CHECK(stage_of("created", "4242") == Stage::create_runtime);
    // poststop "stopped" with the pid of the init that is gone.
    CHECK(stage_of("stopped", "4242") == Stage::poststop);
}

TEST_CASE("stage from state: other statuses are refused, naming the status") {
    CHECK_THROWS_WITH_AS(stage_of("running", "4242"), doctest::Contains("\"running\""), HookError);
}

TEST_CASE("runtime features: linux.netDevices.enabled true, and nothing else, means it moves") {
    CHECK(features_say_net_devices(
        R"({"ociVersionMin":"1.0.0","linux":{"netDevices":{"enabled":true}}})"));
    CHECK_FALSE(features_say_net_devices(R"({"linux":{"netDevices":{"enabled":false}}})"));
    CHECK_FALSE(features_say_net_devices(R"({"ociVersionMin":"1.0.0","linux":{"namespaces":[]}})"));
    CHECK_FALSE(features_say_net_devices(R"({"linux":{"netDevices":{"enabled":"true"}}})"));
    CHECK_FALSE(features_say_net_devices("Usage: runc ..."));
    CHECK_FALSE(features_say_net_devices(""));
}
