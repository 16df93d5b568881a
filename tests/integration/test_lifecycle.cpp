// After the container: records, `status`, and poststop giving the devices back (opt-in);
// two hooks at once.
#include <sys/stat.h>

#include <cstdlib>

#include "netdev/records.hpp"
#include "tests/integration/in_process.hpp"

using namespace netdev::test;
using netdev::LinkInfo;

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

// The state a runtime passes for container `id` (not the bundle's directory name).
std::string state_with_id(const Bundle& b, const std::string& id, pid_t pid,
                          const std::string& status = "creating") {
    std::string st = b.state(pid, status);
    std::string from = "\"id\":\"" + b.id() + "\"";
    return st.replace(st.find(from), from.size(), "\"id\":\"" + id + "\"");
}

std::optional<LinkInfo> link_of(const TestNetns& where, const std::string& name) {
    netdev::NetlinkSocket sock = where.socket();
    return netdev::find_link_by_name(sock, name);
}

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
    // The workload's doing: another MTU and MAC, no addresses.
    w.container.sh(
        "ip link set ctr0 down && ip link set ctr0 address 02:00:00:00:00:99 mtu 1300 && "
        "ip link set ctr0 up && ip addr flush dev ctr0");

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

TEST_CASE("two containers with one id under two roots never touch each other's device") {
    World a;
    TestNetns second("second container netns");
    ParkedProcess second_init(second);
    a.configured_veth("v0", 2);
    a.configured_veth("v1", 3);
    DeviceView v0 = a.on_host("v0"), v1 = a.on_host("v1");
    Bundle b1(config_with(R"({"v0":{"name":"c0"}})")), b2(config_with(R"({"v1":{"name":"c0"}})"));
    HookResult r1 = run_hook_binary(a.host, state_with_id(b1, "same", a.init.pid()));
    HookResult r2 = run_hook_binary(a.host, state_with_id(b2, "same", second_init.pid()));
    REQUIRE_MESSAGE(r1.exit_code == 0, r1.stderr_text);
    REQUIRE_MESSAGE(r2.exit_code == 0, r2.stderr_text);

    HookResult p1 =
        run_hook_binary(a.host, state_with_id(b1, "same", 0, "stopped"), {"--restore", "poststop"});
    CHECK_MESSAGE(p1.exit_code == 0, p1.stderr_text);
    CHECK(a.on_host("v0") == v0);
    CHECK_FALSE(view_device(a.host, "v1"));
    REQUIRE(view_device(second, "c0"));
    CHECK(view_device(second, "c0")->addresses.size() == 3);  // the second one's, untouched

    HookResult p2 =
        run_hook_binary(a.host, state_with_id(b2, "same", 0, "stopped"), {"--restore", "poststop"});
    CHECK_MESSAGE(p2.exit_code == 0, p2.stderr_text);
    CHECK(a.on_host("v1") == v1);
}

TEST_CASE("a link of the target name in the container is not the missing device (CNI's eth0)") {
    World w;
    w.container.sh("ip link add eth0 type veth peer name eth0p");
    Bundle b(config_with(R"({"ens5f0v3":{"name":"eth0"}})"));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "ens5f0v3: no such device in host netns (eth0 in /proc/"));
    CHECK(contains(r.stderr_text, "is not it: no record of this hook moving it there)"));
}

TEST_CASE("createRuntime run again after success is a no-op, on the record's evidence") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    REQUIRE(w.hook(b).exit_code == 0);
    HookResult again = w.hook(b);
    CHECK_MESSAGE(again.exit_code == 0, again.stderr_text);
    CHECK(w.in_container("c0").addresses.size() == 3);
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("a device in a netns given by pid, alive at poststop, is brought back from there") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    REQUIRE(w.hook(b).exit_code == 0);
    // Something still runs in the netns (a pod's infra process, a debugger): it lives on.
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
    CHECK_FALSE(record_exists(b));
}

TEST_CASE("with restore on, the netns is pinned: a veth comes back after the container exits") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    const std::string restore = R"({"oci-netdev-hook.restore":"true"})";
    REQUIRE(run_hook_binary(w.host, b.state(w.init.pid(), "creating", restore)).exit_code == 0);
    w.init.stop();  // the container's last process: without the pin, v0 would die with it
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped", restore), {"poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
    bool pin_left = std::filesystem::exists(
        state_dir() + "/" + netdev::record_file_name(b.id(), b.dir().string()) + ".netns");
    CHECK_FALSE(pin_left);
}

TEST_CASE("recover leaves a running container alone and gives back one that is gone") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    const std::string restore = R"({"oci-netdev-hook.restore":"true"})";
    REQUIRE(run_hook_binary(w.host, b.state(w.init.pid(), "creating", restore),
                            {"--state-dir", dir.str()})
                .exit_code == 0);
    HookResult running = run_hook_binary(w.host, "", {"--state-dir", dir.str(), "recover"});
    CHECK(running.exit_code == 0);
    CHECK(contains(running.stdout_text, "container " + b.id() + ": running (pid "));
    CHECK(view_device(w.container, "c0"));
    w.init.stop();
    HookResult gone = run_hook_binary(w.host, "", {"--state-dir", dir.str(), "recover"});
    CHECK_MESSAGE(gone.exit_code == 0, gone.stderr_text);
    CHECK(contains(gone.stdout_text, "container " + b.id() + ": every device given back"));
    CHECK(w.on_host("v0") == before);
    CHECK(std::filesystem::is_empty(dir.path));  // record and pin released
}

TEST_CASE("a bridge port comes back to its bridge") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip link add br0 type bridge && ip link set br0 up && ip link set v0 master br0");
    DeviceView before = w.on_host("v0");
    int bridge = link_of(w.host, "br0")->index;
    REQUIRE(link_of(w.host, "v0")->master == bridge);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    netdev::test::FaultPlan none;
    // A bridge port is refused unless a rule of the policy lifts the guardrail for it.
    netdev::Policy policy;
    policy.allow.push_back({"allow[0]", {"v0"}, {}, {}, {netdev::Guard::port}});
    REQUIRE_FALSE(recorded_move(w, b, dir.str(), {{"v0", "c0"}}, none, policy));
    REQUIRE(link_of(w.container, "c0"));
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped"),
                                   {"--state-dir", dir.str(), "--restore", "poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
    CHECK(link_of(w.host, "v0")->master == bridge);
}

TEST_CASE("asked for by name and by altname at once: one moves it, the other refuses cleanly") {
    for (int round = 0; round < 5; ++round) {
        CAPTURE(round);
        World a;
        TestNetns second("second container netns");
        ParkedProcess second_init(second);
        a.configured_veth("v0", 2);
        a.host.sh("ip link property add dev v0 altname uplink0");
        Bundle b1(config_with(R"({"v0":{"name":"c0"}})"));
        Bundle b2(config_with(R"({"uplink0":{"name":"c0"}})"));
        HookProcess p1 = start_hook_binary(a.host, b1.state(a.init.pid()));
        HookProcess p2 = start_hook_binary(a.host, b2.state(second_init.pid()));
        HookResult r1 = finish_hook_binary(p1), r2 = finish_hook_binary(p2);
        REQUIRE(((r1.exit_code == 0) != (r2.exit_code == 0)));
        const HookResult& loser = r1.exit_code == 0 ? r2 : r1;
        CHECK_MESSAGE(loser.exit_code == 3, loser.stderr_text);
        CHECK(contains(loser.stderr_text, "no such device in host netns"));
        const TestNetns& winner = r1.exit_code == 0 ? a.container : second;
        auto v = view_device(winner, "c0");
        REQUIRE(v);
        CHECK(v->up);
        CHECK(v->addresses.size() == 3);  // IPv6 too
    }
}

TEST_CASE(
    "a 250-byte container id gets a record; a record that cannot be written changes nothing") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    // Where the record would go, a directory: refused before any change.
    std::string long_id(250, 'x');
    std::filesystem::create_directory(dir.path /
                                      netdev::record_file_name(long_id, b.dir().string()));
    HookResult r = run_hook_binary(w.host, state_with_id(b, long_id, w.init.pid()),
                                   {"--state-dir", dir.str(), "createRuntime"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.stderr_text, netdev::record_file_name(long_id, b.dir().string())));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());

    std::filesystem::remove(dir.path / netdev::record_file_name(long_id, b.dir().string()));
    HookResult ok = run_hook_binary(w.host, state_with_id(b, long_id, w.init.pid()),
                                    {"--state-dir", dir.str(), "createRuntime"});
    CHECK_MESSAGE(ok.exit_code == 0, ok.stderr_text);
    HookResult st = run_hook_binary(w.host, "", {"--state-dir", dir.str(), "status", long_id});
    CHECK(contains(st.stdout_text, "v0 (ifindex "));
}

TEST_CASE("restore asked in config.json pins at createRuntime; poststop without it gives back") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    // The annotation only in config.json: a runtime may pass poststop a state without it.
    Bundle b(R"({"annotations":{"oci-netdev-hook.restore":"true"},)"
             R"("linux":{"namespaces":[{"type":"network"}],"netDevices":{"v0":{"name":"c0"}}}})");
    REQUIRE(w.hook(b).exit_code == 0);
    w.init.stop();  // without the pin, v0 (a veth) would die with the netns
    HookResult r = run_hook_binary(w.host, b.state(0, "stopped"), {"poststop"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("a state dir the hook cannot trust stops it before any change (exit 3)") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    TempStateDir dir;
    REQUIRE(::chmod(dir.path.c_str(), 0777) == 0);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    HookResult r = w.hook(b, {"--state-dir", dir.str(), "createRuntime"});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "must be owned by this user and not writable by others"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}

TEST_CASE("a look-alike the workload made in place of the device is not given to the host") {
    // Found by probing: the container deletes ctr0 and makes a veth of that name whose peer it
    // keeps; poststop moved that veth to the host as v0, with v0's addresses: a way in.
    for (bool same_mac : {false, true}) {
        CAPTURE(same_mac);
        PathWorld w;
        w.configured_veth("v0", 2);
        Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", w.path));
        REQUIRE(w.hook(b).exit_code == 0);
        std::string mac = netdev::mac_text(w.in_container("ctr0").mac);
        w.container.sh("ip link del ctr0 && ip link add ctr0 type veth peer name evil0 && " +
                       (same_mac ? "ip link set ctr0 address " + mac + " && " : std::string()) +
                       "ip link set ctr0 up");
        HookResult r = w.poststop(b);
        CHECK(r.exit_code == 4);
        CHECK(contains(r.stderr_text,
                       "whose other end is in the container: not the device "
                       "recorded, left there"));
        CHECK_FALSE(view_device(w.host, "v0"));
        CHECK(view_device(w.container, "ctr0"));
        CHECK(record_exists(b));
    }
}
