// Pre-checks: each refusal happens before the first change, so the host is exactly as it was.
#include "tests/integration/world.hpp"

using namespace netdev::test;

TEST_CASE("a name already taken in the container leaves the host device exactly as it was") {
    World w;
    w.configured_veth("v0", 2);
    w.container.sh("ip link add ctr0 type veth peer name ctr0p");
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(one_line(r));
    CHECK(contains(r.stderr_text, "v0: name ctr0 already exists in /proc/"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container) == std::vector<std::string>{"ctr0", "ctr0p"});
}

TEST_CASE("the host name colliding in the container is fine when a free name is asked (K3)") {
    World w;
    w.configured_veth("v0", 2);
    w.container.sh("ip link add v0 type veth peer name v0p");
    Bundle b(config_with(R"({"v0":{"name":"free0"}})"));
    HookResult r = w.hook(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("free0").addresses.size() == 3);
}

TEST_CASE("an altname that exists in the container is refused") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip link property add dev v0 altname uplink0");
    w.container.sh("ip link add uplink0 type veth peer name x");
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "v0: its altname uplink0 already exists"));
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("a missing device changes nothing, not even the devices listed before it") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"},"nosuch0":{}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(one_line(r));
    CHECK(contains(r.stderr_text, "nosuch0: no such device in host netns"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}

TEST_CASE("a target that is the runtime's own netns is refused (K6)") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    ParkedProcess in_host(w.host);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = run_hook_binary(w.host, b.state(in_host.pid()));
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "is the runtime's own network namespace"));
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("a config without a private network namespace is refused") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(R"({"linux":{"namespaces":[{"type":"mount"}],"netDevices":{"v0":{}}}})");
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "linux.namespaces: no network namespace"));
    CHECK(w.on_host("v0").up);
}

TEST_CASE("bad names are refused with exit 2, naming the field and the value") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    struct Row {
        const char* devices;
        const char* message;
    };
    for (const Row& row : {
             Row{R"({"v0":{"name":"eth0:1"}})",
                 R"(linux.netDevices["v0"].name: "eth0:1" contains ':')"},
             Row{R"({"v0":{"name":"sixteen-bytes-xx"}})", R"("sixteen-bytes-xx" is 16 bytes long)"},
             Row{R"({"v0":{"name":"a b"}})", "contains whitespace"},
             Row{R"({"v0":{"name":".."}})", "is reserved"},
             Row{R"({"v0":{"name":7}})",
                 R"(linux.netDevices["v0"].name: expected a string, got a number 7)"},
         }) {
        CAPTURE(row.devices);
        Bundle b(config_with(row.devices));
        HookResult r = w.hook(b);
        CHECK(r.exit_code == 2);
        CHECK(one_line(r));
        CHECK(contains(r.stderr_text, row.message));
    }
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("two devices mapped to one container name are refused") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    Bundle b(config_with(R"({"v0":{"name":"c0"},"v1":{"name":"c0"}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text,
                   R"(linux.netDevices["v1"].name: "c0" is the container name of another entry)"));
    CHECK(link_names(w.host) == std::vector<std::string>{"v0", "v0p", "v1", "v1p"});
}

TEST_CASE("malformed state on stdin is refused with exit 2") {
    World w;
    HookResult r = run_hook_binary(w.host, R"({"id":"x","pid":"abc","bundle":"/b"})");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text, R"(state.pid: expected an integer, got a string "abc")"));
}

TEST_CASE("no devices requested: nothing to do, exit 0") {
    World w;
    Bundle b(R"({"linux":{"namespaces":[{"type":"network"}]}})");
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 0);
    CHECK(r.stderr_text.empty());
}

TEST_CASE("bad input table: every malformed field is named in one line, exit 2, nothing changes") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    const std::string pid = std::to_string(w.init.pid());
    struct Row {
        std::string state;   // empty: the bundle's ordinary state
        std::string config;  // empty: a valid config moving v0
        std::string named;   // what the error line must say
    };
    const std::string ok_config = config_with(R"({"v0":{"name":"c0"}})");
    for (const Row& row : std::vector<Row>{
             {"not json", "", "state: not valid JSON"},
             {"[1,2]", "", "state: expected an object, got an array"},
             {R"({"id":"x"})", "", "state.bundle: missing"},
             {R"({"id":"x","bundle":"/b","pid":"12"})", "",
              R"(state.pid: expected an integer, got a string "12")"},
             {R"({"id":"x","bundle":"/b","pid":-3})", "", "state.pid: out of range: -3"},
             {R"({"id":"x","bundle":"/b","pid":1.5})", "",
              "state.pid: expected an integer, got a number 1.5"},
             {R"({"bundle":"/b","annotations":[]})", "", "state.annotations: expected an object"},
             {R"({"id":"x","bundle":"/nonexistent-bundle","pid":1})", "",
              "open /nonexistent-bundle/config.json: No such file"},
             {"", "{", "config.json: not valid JSON"},
             {"", R"({"linux":"x"})", R"(linux: expected an object, got a string "x")"},
             {"", R"({"linux":{"netDevices":[]}})",
              "linux.netDevices: expected an object, got an array"},
             {"", R"({"linux":{"netDevices":{"v0":null}}})",
              R"(linux.netDevices["v0"]: expected an object, got null)"},
             {"", R"({"linux":{"netDevices":{"v0":{"name":["a"]}}}})",
              R"(linux.netDevices["v0"].name: expected a string)"},
             {"", R"({"linux":{"netDevices":{"v:0":{}}}})",
              R"(linux.netDevices["v:0"]: host name "v:0" contains ':')"},
             {"", R"({"linux":{"namespaces":{},"netDevices":{"v0":{}}}})",
              "linux.namespaces: expected an array"},
             {"", R"({"linux":{"namespaces":[{"type":7}],"netDevices":{"v0":{}}}})",
              "linux.namespaces[0].type: expected a string, got a number 7"},
             {"", R"({"annotations":{"oci-netdev-hook.devices":"{\"v0\":"}})",
              R"(annotations["oci-netdev-hook.devices"]: not valid JSON)"},
             {"", R"({"annotations":{"oci-netdev-hook.devices":"v0=a/b"}})",
              R"(annotations["oci-netdev-hook.devices"]["v0"].name: "a/b" contains '/')"},
             {"", R"({"annotations":{"oci-netdev-hook.devices":7}})",
              R"(annotations["oci-netdev-hook.devices"]: expected a string)"},
         }) {
        CAPTURE(row.named);
        Bundle b(row.config.empty() ? ok_config : row.config);
        std::string state = row.state.empty() ? b.state(w.init.pid()) : row.state;
        HookResult r = run_hook_binary(w.host, state);
        CHECK(r.exit_code == 2);
        CHECK(one_line(r));
        CHECK(contains(r.stderr_text, row.named));
    }
    Bundle b(ok_config);
    HookResult bad_id =
        run_hook_binary(w.host, R"({"id":"../evil","status":"creating","pid":)" + pid +
                                    R"(,"bundle":")" + b.dir().string() + R"("})");
    CHECK(bad_id.exit_code == 2);
    CHECK(contains(bad_id.stderr_text, R"(state.id: "../evil" is not a usable container id)"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}
