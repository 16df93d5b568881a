#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "common/error.hpp"
#include "hooks/runtime_wrapper.hpp"

using namespace netdev;
namespace json = boost::json;

namespace {

WrapperSettings settings() {
    WrapperSettings s;
    s.hook = "/usr/bin/oci-netdev-hook";
    return s;
}

json::object rewritten(const std::string& config, const WrapperSettings& s = settings()) {
    std::optional<std::string> text = add_hook_to_config(config, s);
    REQUIRE(text.has_value());
    return json::parse(*text).as_object();
}

json::array stage_entries(const json::object& config, const char* stage) {
    return config.at("hooks").at(stage).as_array();
}

const std::string kAnnotated =
    R"({"ociVersion":"1.0.2-dev","annotations":{"oci-netdev-hook.devices":"v0=ctr0"}})";

}  // namespace

TEST_CASE("runtime command: containerd's create names the bundle, log file and format") {
    RuntimeCommand c = parse_runtime_command(
        {"--root", "/run/containerd/runc/k8s.io", "--log", "/b/log.json", "--log-format", "json",
         "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "id1"});
    CHECK(c.command == "create");
    CHECK(c.bundle == "/b");
    CHECK(c.log_file == "/b/log.json");
    CHECK(c.log_format == "json");
}

TEST_CASE("runtime command: switches, = forms and single dashes are skipped like runc does") {
    RuntimeCommand c = parse_runtime_command({"--systemd-cgroup", "--debug", "-root=/r",
                                              "--log-format=text", "run", "-d", "-b", "/x", "id"});
    CHECK(c.command == "run");
    CHECK(c.bundle == "/x");
    CHECK(c.log_format == "text");
    CHECK(parse_runtime_command({"run", "--bundle=/y", "id"}).bundle == "/y");
}

TEST_CASE("runtime command: without --bundle the bundle is the working directory (empty)") {
    RuntimeCommand c = parse_runtime_command({"create", "--pid-file", "-b", "id"});
    CHECK(c.command == "create");
    CHECK(c.bundle.empty());  // "-b" was the pid file's value
}

TEST_CASE("runtime command: other commands are only named") {
    CHECK(parse_runtime_command({"--root", "/r", "start", "id"}).command == "start");
    CHECK(parse_runtime_command({"delete", "--force", "-b", "/z", "id"}).bundle.empty());
    CHECK(parse_runtime_command({"--version"}).command.empty());
    CHECK(parse_runtime_command({}).command.empty());
}

TEST_CASE("config rewrite: a container asking for nothing is left alone") {
    CHECK_FALSE(add_hook_to_config(R"({"ociVersion":"1.0.2","process":{"env":["PATH=/bin"]}})",
                                   settings()));
    CHECK_FALSE(add_hook_to_config(R"({"linux":{"netDevices":{}}})", settings()));
}

TEST_CASE("config rewrite: the devices annotation adds createRuntime, createContainer, poststop") {
    json::object c = rewritten(kAnnotated);
    for (const char* stage : {"createRuntime", "createContainer", "poststop"}) {
        json::array e = stage_entries(c, stage);
        REQUIRE(e.size() == 1);
        CHECK(e[0].at("path") == "/usr/bin/oci-netdev-hook");
        CHECK(e[0].at("args") == json::array{"oci-netdev-hook", stage});
    }
}

TEST_CASE("config rewrite: Docker's OCI_NETDEV_HOOK_DEVICES in process.env asks too") {
    json::object c =
        rewritten(R"({"process":{"env":["PATH=/bin","OCI_NETDEV_HOOK_DEVICES=v0=ctr0 v1"]}})");
    CHECK(stage_entries(c, "createRuntime").size() == 1);
    CHECK_FALSE(
        add_hook_to_config(R"({"process":{"env":["OCI_NETDEV_HOOK_DEVICESX=v0"]}})", settings()));
}

TEST_CASE("config rewrite: linux.netDevices asks too") {
    json::object c = rewritten(R"({"linux":{"netDevices":{"v0":{"name":"ctr0"}}}})");
    CHECK(c.at("linux").at("netDevices").at("v0").at("name") == "ctr0");
    CHECK(stage_entries(c, "poststop").size() == 1);
}

TEST_CASE("config rewrite: under CRI the pod sandbox asks, not the containers joining its netns") {
    std::string sandbox = R"({"annotations":{"oci-netdev-hook.devices":"v0",)"
                          R"("io.kubernetes.cri.container-type":"sandbox"}})";
    std::string member = R"({"annotations":{"oci-netdev-hook.devices":"v0",)"
                         R"("io.kubernetes.cri.container-type":"container"}})";
    CHECK(add_hook_to_config(sandbox, settings()));
    CHECK_FALSE(add_hook_to_config(member, settings()));
}

TEST_CASE("config rewrite: every other field is kept, unknown ones and their order too") {
    std::string config = R"({"ociVersion":"1.0.2-dev","x-vendor":{"b":1,"a":[true,null,"s"]},)"
                         R"("process":{"args":["ip","addr"],"cwd":"/"},"root":{"path":"rootfs"},)"
                         R"("annotations":{"oci-netdev-hook.devices":"v0","other":"x"},)"
                         R"("linux":{"resources":{"memory":{"limit":18446744073709551615}}}})";
    json::object c = rewritten(config);
    c.erase("hooks");
    json::object original = json::parse(config).as_object();
    CHECK(c == original);
    CHECK(json::serialize(c) == json::serialize(original));  // same order, same numbers
}

TEST_CASE("config rewrite: other hooks stay, ours come after them") {
    json::object c =
        rewritten(R"({"annotations":{"oci-netdev-hook.devices":"v0"},"hooks":{)"
                  R"("prestart":[{"path":"/proc/1/exe","args":["libnetwork-setkey"]}],)"
                  R"("createRuntime":[{"path":"/bin/other","timeout":5}]}})");
    CHECK(stage_entries(c, "prestart").size() == 1);
    json::array cr = stage_entries(c, "createRuntime");
    REQUIRE(cr.size() == 2);
    CHECK(cr[0].at("path") == "/bin/other");
    CHECK(cr[0].at("timeout") == 5);
    CHECK(cr[1].at("path") == "/usr/bin/oci-netdev-hook");
}

TEST_CASE("config rewrite: only the missing entries are added; a second pass changes nothing") {
    json::object c = rewritten(
        R"({"annotations":{"oci-netdev-hook.devices":"v0"},"hooks":{"createRuntime":[)"
        R"({"path":"/usr/bin/oci-netdev-hook","args":["oci-netdev-hook","--restore","createRuntime"]}]}})");
    json::array cr = stage_entries(c, "createRuntime");
    REQUIRE(cr.size() == 1);
    CHECK(cr[0].at("args").as_array().size() == 3);  // the admin's own entry, untouched
    CHECK(stage_entries(c, "createContainer").size() == 1);
    CHECK_FALSE(add_hook_to_config(json::serialize(c), settings()));
}

TEST_CASE("config rewrite: hook_args go before the stage") {
    WrapperSettings s = settings();
    s.hook_args = {"--policy", "/etc/oci-netdev-hook/policy.json"};
    json::object c = rewritten(kAnnotated, s);
    CHECK(stage_entries(c, "createRuntime")[0].at("args") ==
          json::array{"oci-netdev-hook", "--policy", "/etc/oci-netdev-hook/policy.json",
                      "createRuntime"});
}

TEST_CASE("config rewrite: malformed config.json is refused, naming the field") {
    auto refused = [](const std::string& config, const std::string& field) {
        try {
            add_hook_to_config(config, settings());
            FAIL("accepted: " << config);
        } catch (const HookError& e) {
            CHECK(e.code() == ExitCode::invalid_input);
            CHECK(std::string(e.what()).find(field) != std::string::npos);
        }
    };
    refused("{", "not valid JSON");
    refused("[]", "config.json: expected an object, got an array");
    refused(R"({"annotations":{"oci-netdev-hook.devices":"v0"},"hooks":[]})", "hooks");
    refused(R"({"annotations":{"oci-netdev-hook.devices":"v0"},"hooks":{"poststop":{}}})",
            "hooks.poststop");
}

TEST_CASE("wrapper settings file: runtime, hook and hook_args; unknown keys refused") {
    WrapperSettings s = settings();
    apply_settings_file(s, R"({"runtime":"crun","hook":"/opt/h","hook_args":["--restore"]})", "f");
    CHECK(s.runtime == "crun");
    CHECK(s.hook == "/opt/h");
    CHECK(s.hook_args == std::vector<std::string>{"--restore"});
    CHECK_THROWS_AS(apply_settings_file(s, R"({"runtmie":"crun"})", "f"), HookError);
    CHECK_THROWS_AS(apply_settings_file(s, R"({"hook_args":[1]})", "f"), HookError);
    CHECK_THROWS_AS(apply_settings_file(s, R"({"runtime":""})", "f"), HookError);
}

TEST_CASE("a request field of the wrong type gets the hook, whose error names it") {
    // runc 1.1 ignores linux.netDevices: without the hook the container would start silently.
    WrapperSettings s;
    s.hook = "/usr/bin/oci-netdev-hook";
    CHECK(add_hook_to_config(R"({"linux":{"netDevices":[]}})", s));
    CHECK(add_hook_to_config(R"({"annotations":{"oci-netdev-hook.devices":7}})", s));
    CHECK_FALSE(add_hook_to_config(R"({"linux":{"netDevices":{}}})", s));  // asks for none
}
