// After the container: records, `status`, and poststop giving the devices back (opt-in);
// two hooks at once.
#include <cstdlib>

#include "netdev/records.hpp"
#include "tests/integration/world.hpp"

using namespace netdev::test;

namespace {

std::string state_dir() {
    return std::getenv("OCI_NETDEV_HOOK_STATE_DIR");
}

bool record_exists(const Bundle& b) {
    return std::filesystem::exists(state_dir() + "/" +
                                   netdev::record_file_name(b.id(), b.dir().string()));
}

// A world whose container netns is pre-created and given by path, so it outlives the
// container process (podman --network ns:PATH, runc linux.namespaces path).
struct PathWorld : World {
    std::string path = "/proc/" + std::to_string(init.pid()) + "/ns/net";
    HookResult poststop(const Bundle& b, std::vector<std::string> args = {"--restore", "poststop"},
                        const std::string& annotations = "{}") const {
        return run_hook_binary(host, b.state(0, "stopped", annotations), args);
    }
};

}  // namespace

TEST_CASE("a successful move leaves a record that status prints") {
    PathWorld w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
    REQUIRE(w.hook(b).exit_code == 0);
    REQUIRE(record_exists(b));
    HookResult st = run_hook_binary(w.host, "", {"status", b.id()});
    CHECK_MESSAGE(st.exit_code == 0, st.stderr_text);
    CHECK(contains(st.stdout_text, "container " + b.id() + " (bundle " + b.dir().string() +
                                       ", netns " + w.path + ")"));
    CHECK(contains(st.stdout_text, "v0 (ifindex "));
    CHECK(contains(st.stdout_text, ", up, mtu 1400) -> ctr0"));
    CHECK(contains(st.stdout_text, "192.0.2.1/24 brd 192.0.2.255 label v0"));
}

TEST_CASE("poststop --restore brings the device back from a live netns, exactly as it was") {
    PathWorld w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
    REQUIRE(w.hook(b).exit_code == 0);
    w.container.sh("ip link set ctr0 mtu 1300 && ip addr flush dev ctr0");  // the workload's doing

    HookResult r = w.poststop(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
    CHECK_FALSE(record_exists(b));
    // podman runs poststop twice: the second is a no-op.
    HookResult again = w.poststop(b);
    CHECK(again.exit_code == 0);
    CHECK(again.stderr_text.empty());
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("the restore annotation in the state enables poststop's restore") {
    PathWorld w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
    REQUIRE(w.hook(b).exit_code == 0);
    HookResult r = w.poststop(b, {"poststop"}, R"({"oci-netdev-hook.restore":"true"})");
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("without --restore poststop only forgets the record") {
    PathWorld w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
    REQUIRE(w.hook(b).exit_code == 0);
    CHECK(w.poststop(b, {"poststop"}).exit_code == 0);
    CHECK_FALSE(record_exists(b));
    CHECK(view_device(w.container, "ctr0"));
}

TEST_CASE("a veth that died with its netns is reported in one line, not an error") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));
    REQUIRE(w.hook(b).exit_code == 0);
    w.init.stop();  // the container's last process exits: its netns dies
    // The netns is freed asynchronously; wait until the veth pair is gone from the host.
    for (int i = 0; i < 200 && view_device(w.host, "v0p"); ++i) ::usleep(10000);
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.stderr_text, "v0: not found anywhere: a virtual device"));
    CHECK(r.stderr_text.find('\n') == r.stderr_text.size() - 1);
    CHECK_FALSE(record_exists(b));
}

TEST_CASE(
    "a device the kernel returned under its container name gets its name and addresses back") {
    PathWorld w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    ParkedProcess in_host(w.host);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
    REQUIRE(w.hook(b).exit_code == 0);
    // What the kernel does to a physical device when its netns dies: back, down, bare.
    w.container.sh("ip link set ctr0 netns " + std::to_string(in_host.pid()));
    REQUIRE(view_device(w.host, "ctr0"));
    HookResult r = w.poststop(b);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
    CHECK_FALSE(view_device(w.host, "ctr0"));
}

TEST_CASE("a host name taken meanwhile is reported and the device left where it is") {
    PathWorld w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
    REQUIRE(w.hook(b).exit_code == 0);
    w.host.sh("ip link add v0 type veth peer name other0");
    HookResult r = w.poststop(b);
    CHECK(r.exit_code == 4);
    CHECK(contains(r.stderr_text, "v0: its host name is taken by another device"));
    CHECK(contains(r.stderr_text, "left as ctr0 in " + w.path));
    CHECK(view_device(w.container, "ctr0"));
    CHECK(record_exists(b));  // kept: status shows it, a later poststop retries
}

TEST_CASE("two containers asking for one device: exactly one gets it, undisturbed") {
    World a;
    // Both containers live under the same simulated host: b's container netns is made here.
    TestNetns second("second container netns");
    ParkedProcess second_init(second);
    a.configured_veth("v0", 2);
    Bundle b1(config_with(R"({"v0":{"name":"c0"}})"));
    Bundle b2(config_with(R"({"v0":{"name":"c0"}})"));
    HookProcess p1 = start_hook_binary(a.host, b1.state(a.init.pid()));
    HookProcess p2 = start_hook_binary(a.host, b2.state(second_init.pid()));
    HookResult r1 = finish_hook_binary(p1), r2 = finish_hook_binary(p2);
    CHECK(((r1.exit_code == 0) != (r2.exit_code == 0)));
    const HookResult& loser = r1.exit_code == 0 ? r2 : r1;
    CHECK(loser.exit_code == 3);
    CHECK(contains(loser.stderr_text, "v0: no such device in host netns"));
    const TestNetns& winner = r1.exit_code == 0 ? a.container : second;
    auto v = view_device(winner, "c0");
    REQUIRE(v);
    CHECK(v->up);
    CHECK(v->addresses.size() == 3);
}

TEST_CASE("ten hooks in parallel for ten devices all succeed") {
    World w;
    std::vector<std::unique_ptr<TestNetns>> ctrs;
    std::vector<std::unique_ptr<ParkedProcess>> inits;
    std::vector<std::unique_ptr<Bundle>> bundles;
    std::vector<HookProcess> procs;
    for (int i = 0; i < 10; ++i) {
        std::string dev = "d" + std::to_string(i);
        w.host.sh("ip link add " + dev + " type veth peer name " + dev + "p && ip addr add 10.0." +
                  std::to_string(i) + ".1/24 dev " + dev + " && ip link set " + dev + " up");
        ctrs.push_back(std::make_unique<TestNetns>("container " + dev));
        inits.push_back(std::make_unique<ParkedProcess>(*ctrs.back()));
        bundles.push_back(
            std::make_unique<Bundle>(config_with(R"({")" + dev + R"(":{"name":"eth1"}})")));
    }
    for (int i = 0; i < 10; ++i)
        procs.push_back(start_hook_binary(w.host, bundles[i]->state(inits[i]->pid())));
    for (int i = 0; i < 10; ++i) {
        HookResult r = finish_hook_binary(procs[i]);
        CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
        auto v = view_device(*ctrs[i], "eth1");
        REQUIRE(v);
        CHECK(v->addresses.front().starts_with("10.0." + std::to_string(i) + ".1/24"));
    }
}
