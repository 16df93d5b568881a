#include <doctest/doctest.h>

#include "common/error.hpp"
#include "common/oci_model.hpp"
#include "common/read_file.hpp"
#include "common/unique_fd.hpp"

#include <unistd.h>

using namespace netdev;

namespace {

// The message of the HookError(invalid_input) that `f` throws.
template <typename F>
std::string invalid_input_message(F f) {
    try {
        f();
    } catch (const HookError& e) {
        CHECK(e.code() == ExitCode::invalid_input);
        return e.what();
    }
    FAIL("no error");
    return {};
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("runc's createRuntime state") {
    OciState st = parse_state(R"({"ociVersion":"1.0.2-dev","id":"c1","status":"creating",
        "pid":4242,"bundle":"/run/b","annotations":{"k":"v"}})");
    CHECK(st.id == "c1");
    CHECK(st.status == "creating");
    CHECK(st.pid == 4242);
    CHECK(st.bundle == "/run/b");
    CHECK(st.annotations.at("k") == "v");
}

TEST_CASE("crun's state: created, pid 0 in createContainer, no annotations") {
    OciState st = parse_state(R"({"ociVersion":"1.0.0","id":"c2","status":"created","pid":0,
        "bundle":"/b"})");
    CHECK(st.status == "created");
    CHECK(st.pid == 0);
    CHECK(st.annotations.empty());
}

TEST_CASE("poststop state with a null pid") {
    OciState st = parse_state(R"({"id":"c","status":"stopped","pid":null,"bundle":"/b"})");
    CHECK_FALSE(st.pid.has_value());
}

TEST_CASE("malformed state fields are named with their value") {
    CHECK(contains(invalid_input_message([] { parse_state("{"); }), "state: not valid JSON"));
    CHECK(contains(invalid_input_message([] { parse_state("[]"); }), "state: expected an object"));
    CHECK(contains(invalid_input_message([] { parse_state(R"({"id":"c"})"); }),
                   "state.bundle: missing"));
    CHECK(contains(invalid_input_message([] { parse_state(R"({"bundle":"/b","pid":"12"})"); }),
                   R"(state.pid: expected an integer, got a string "12")"));
    CHECK(contains(invalid_input_message([] { parse_state(R"({"bundle":"/b","pid":-4})"); }),
                   "state.pid: out of range"));
    CHECK(contains(invalid_input_message([] { parse_state(R"({"bundle":7})"); }),
                   "state.bundle: expected a string, got a number 7"));
    CHECK(contains(
        invalid_input_message([] { parse_state(R"({"bundle":"/b","annotations":{"a":1}})"); }),
        R"(state.annotations["a"]: expected a string)"));
}

TEST_CASE("linux.netDevices in config order, name defaulting to the host name") {
    OciConfig cfg = parse_config(R"({"linux":{
        "namespaces":[{"type":"pid"},{"type":"network","path":"/var/run/netns/x"}],
        "netDevices":{"zeta":{"name":"c0"},"alpha":{},"mid":{"name":""}}}})",
                                 {});
    REQUIRE(cfg.devices.size() == 3);
    CHECK(cfg.devices[0].host_name == "zeta");
    CHECK(cfg.devices[0].container_name == "c0");
    CHECK(cfg.devices[1].container_name == "alpha");
    CHECK(cfg.devices[2].container_name == "mid");
    CHECK(cfg.devices_source == "linux.netDevices");
    CHECK(cfg.netns.private_netns);
    CHECK(cfg.netns.path == "/var/run/netns/x");
}

TEST_CASE("no network namespace entry means no private netns") {
    OciConfig cfg = parse_config(R"({"linux":{"namespaces":[{"type":"mount"}]}})", {});
    CHECK_FALSE(cfg.netns.private_netns);
    CHECK(cfg.devices.empty());
}

TEST_CASE("devices from the config annotation, else from the state's") {
    const char* cfg_text =
        R"({"annotations":{"oci-netdev-hook.devices":"{\"eth1\":{\"name\":\"c1\"}}"}})";
    OciConfig cfg = parse_config(cfg_text, {});
    REQUIRE(cfg.devices.size() == 1);
    CHECK(cfg.devices[0].container_name == "c1");
    CHECK(cfg.devices_source == R"(annotations["oci-netdev-hook.devices"])");

    Annotations st{{"oci-netdev-hook.devices", R"({"eth2":{}})"}};
    OciConfig from_state = parse_config("{}", st);
    REQUIRE(from_state.devices.size() == 1);
    CHECK(from_state.devices[0].host_name == "eth2");
    CHECK(from_state.devices_source == R"(state.annotations["oci-netdev-hook.devices"])");
}

TEST_CASE("linux.netDevices wins over the annotation") {
    OciConfig cfg = parse_config(R"({"annotations":{"oci-netdev-hook.devices":"{\"a\":{}}"},
        "linux":{"netDevices":{"b":{}}}})",
                                 {});
    REQUIRE(cfg.devices.size() == 1);
    CHECK(cfg.devices[0].host_name == "b");
}

TEST_CASE("malformed config fields are named with their value") {
    CHECK(contains(invalid_input_message([] { parse_config(R"({"linux":[]})", {}); }),
                   "linux: expected an object, got an array"));
    CHECK(contains(
        invalid_input_message([] { parse_config(R"({"linux":{"netDevices":["eth0"]}})", {}); }),
        "linux.netDevices: expected an object"));
    CHECK(contains(invalid_input_message(
                       [] { parse_config(R"({"linux":{"netDevices":{"eth0":"c0"}}})", {}); }),
                   R"(linux.netDevices["eth0"]: expected an object, got a string "c0")"));
    CHECK(contains(invalid_input_message(
                       [] { parse_config(R"({"linux":{"netDevices":{"eth0":{"name":5}}}})", {}); }),
                   R"(linux.netDevices["eth0"].name: expected a string, got a number 5)"));
    CHECK(contains(invalid_input_message(
                       [] { parse_config(R"({"linux":{"namespaces":[{"path":"/x"}]}})", {}); }),
                   "linux.namespaces[0].type: missing"));
    CHECK(contains(invalid_input_message([] {
                       parse_config(R"({"annotations":{"oci-netdev-hook.devices":"{oops"}})", {});
                   }),
                   R"(annotations["oci-netdev-hook.devices"]: not valid JSON)"));
    CHECK(contains(invalid_input_message([] {
                       parse_config(R"({"annotations":{"oci-netdev-hook.devices":"[1]"}})", {});
                   }),
                   R"(annotations["oci-netdev-hook.devices"]: expected an object)"));
}

TEST_CASE("an oversized annotation is refused") {
    std::string big(kMaxAnnotationBytes + 1, ' ');
    Annotations st{{"oci-netdev-hook.devices", big}};
    CHECK(contains(invalid_input_message([&] { parse_config("{}", st); }), "longer than"));
}

TEST_CASE("the annotation's compact form: HOSTDEV[=NAME] words") {
    Annotations st{{"oci-netdev-hook.devices", " eth1=ctr1  eth2\teth3=eth%d "}};
    OciConfig cfg = parse_config("{}", st);
    REQUIRE(cfg.devices.size() == 3);
    CHECK(cfg.devices[0].host_name == "eth1");
    CHECK(cfg.devices[0].container_name == "ctr1");
    CHECK(cfg.devices[1].container_name == "eth2");
    CHECK(cfg.devices[2].container_name == "eth%d");
    CHECK(parse_device_words("a=")[0].container_name.empty());  // refused later, by validation
    Annotations blank{{"oci-netdev-hook.devices", "  "}};
    CHECK(contains(invalid_input_message([&] { parse_config("{}", blank); }), "is empty"));
}

TEST_CASE("input larger than its bound is refused, naming it") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    netdev::UniqueFd r(fds[0]), w(fds[1]);
    std::string chunk(4096, 'x');
    for (int i = 0; i < 3; ++i) REQUIRE(::write(w.get(), chunk.data(), chunk.size()) == 4096);
    w.reset();
    CHECK(contains(invalid_input_message([&] { read_fd_bounded(r.get(), 8192, "state on stdin"); }),
                   "state on stdin is larger than 8192 bytes"));
}

TEST_CASE("the runtime wrapper's env entry is a source after the annotations") {
    OciConfig env = parse_config(
        R"({"process":{"env":["PATH=/bin","OCI_NETDEV_HOOK_DEVICES=eth1=c1 eth2"]}})", {});
    REQUIRE(env.devices.size() == 2);
    CHECK(env.source == RequestSource::env);
    CHECK(env.devices_source == R"(process.env["OCI_NETDEV_HOOK_DEVICES"])");
    CHECK(env.devices[0].container_name == "c1");
    OciConfig json_form =
        parse_config(R"({"process":{"env":["OCI_NETDEV_HOOK_DEVICES={\"e3\":{}}"]}})", {});
    CHECK(json_form.devices.at(0).host_name == "e3");

    Annotations st{{"oci-netdev-hook.devices", "fromstate"}};
    OciConfig both = parse_config(R"({"process":{"env":["OCI_NETDEV_HOOK_DEVICES=fromenv"]}})", st);
    CHECK(both.source == RequestSource::annotation);
    CHECK(both.devices.at(0).host_name == "fromstate");
    CHECK(contains(invalid_input_message([] { parse_config(R"({"process":{"env":[1]}})", {}); }),
                   "process.env[0]: expected a string"));
}

TEST_CASE("each source is named the way policy rules name it") {
    CHECK(parse_config(R"({"linux":{"netDevices":{"b":{}}}})", {}).source == RequestSource::config);
    CHECK(std::string(source_name(RequestSource::command_line)) == "command-line");
    CHECK(std::string(source_name(RequestSource::env)) == "env");
}

TEST_CASE("the Kubernetes namespace and pod come from CRI-O's or containerd's annotations") {
    KubePod crio = kube_pod_of(
        {{"io.kubernetes.pod.namespace", "team-a"}, {"io.kubernetes.pod.name", "p1"}}, {});
    CHECK(crio.namespace_name == "team-a");
    CHECK(crio.pod_name == "p1");
    KubePod containerd = kube_pod_of({}, {{"io.kubernetes.cri.sandbox-namespace", "lab"},
                                          {"io.kubernetes.cri.sandbox-name", "p2"}});
    CHECK(containerd.namespace_name == "lab");
    CHECK(containerd.pod_name == "p2");
    CHECK(kube_pod_of({}, {}).namespace_name.empty());
}
