// The standalone commands: `check` (dry run) and `move` (no runtime).
#include <algorithm>

#include "tests/integration/in_process.hpp"

using namespace netdev::test;

TEST_CASE("check prints the plan with the addresses that go along, and changes nothing") {
    World w;
    w.configured_veth("v0", 2);
    w.host.sh("ip addr add 10.5.0.1/24 dev v0 scope host");
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})"));
    std::string state_file = (b.dir() / "state.json").string();
    w.host.sh("printf '%s' '" + b.state(w.init.pid()) + "' > " + state_file);

    HookResult r = run_hook_binary(w.host, "", {"check", "--state", state_file});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(contains(r.stdout_text, "v0 -> ctr0"));
    CHECK(contains(r.stdout_text, "carries 192.0.2.1/24 brd 192.0.2.255 label v0"));
    CHECK(contains(r.stdout_text, "leaves  10.5.0.1/24"));
    CHECK(contains(r.stdout_text, "ok: the hook would move 1 device(s)"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}

TEST_CASE("check fails as the hook would: a taken name is exit 3, a bad name exit 2") {
    World w;
    w.configured_veth("v0", 2);
    w.container.sh("ip link add ctr0 type veth peer name p");
    Bundle taken(config_with(R"({"v0":{"name":"ctr0"}})",
                             "/proc/" + std::to_string(w.init.pid()) + "/ns/net"));
    HookResult r = run_hook_binary(w.host, "", {"check", taken.dir().string()});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "v0: name ctr0 already exists"));

    std::string bad_id_state = (taken.dir() / "bad-id.json").string();
    w.host.sh("printf '%s' '{\"id\":\"../x\",\"bundle\":\"" + taken.dir().string() + "\"}' > " +
              bad_id_state);
    HookResult id = run_hook_binary(w.host, "", {"check", "--state", bad_id_state});
    CHECK(id.exit_code == 2);
    CHECK(contains(id.stderr_text, R"(state.id: "../x" is not a usable container id)"));

    Bundle bad(config_with(R"({"v0":{"name":"a/b"}})"));
    CHECK(run_hook_binary(w.host, "", {"check", bad.dir().string()}).exit_code == 2);
    CHECK(w.on_host("v0").up);
}

TEST_CASE("check without a known container netns skips the name checks and says so") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{}})"));
    HookResult r = run_hook_binary(w.host, "", {"check", b.dir().string()});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.stdout_text, "container name checks skipped"));
}

TEST_CASE("move --pid moves and renames, like the hook") {
    World w;
    w.configured_veth("v0", 2);
    w.configured_veth("v1", 3);
    HookResult r =
        run_hook_binary(w.host, "", {"move", "--pid", std::to_string(w.init.pid()), "v0=c0", "v1"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(contains(r.stdout_text, "v0 -> c0 (3 address(es))"));
    CHECK(w.in_container("c0").addresses.size() == 3);
    CHECK(w.in_container("v1").up);
}

TEST_CASE("move --netns PATH refuses a taken name and changes nothing") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    std::string path = "/proc/" + std::to_string(w.init.pid()) + "/ns/net";
    CHECK(run_hook_binary(w.host, "", {"move", "--netns", path, "v0=lo"}).exit_code == 3);
    CHECK(w.on_host("v0") == before);
    CHECK(run_hook_binary(w.host, "", {"move", "--netns", path, "v0=e1"}).exit_code == 0);
    CHECK(w.in_container("e1").up);
}

TEST_CASE("a bad argument is one line on stderr and nothing on stdout (exit 2)") {
    // Before logging is set up, Boost.Log's default sink wrote a timestamped copy to stdout.
    World w;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--native", "maybe", "createRuntime"}, {"--deadline", "x"}, {"--runtime", ""}}) {
        HookResult r = run_hook_binary(w.host, "", args);
        CAPTURE(args.front());
        CHECK(r.exit_code == 2);
        CHECK(r.stdout_text.empty());
        CHECK(r.stderr_text.starts_with("oci-netdev-hook: error: " + args.front()));
        CHECK(std::count(r.stderr_text.begin(), r.stderr_text.end(), '\n') == 1);
    }
}

TEST_CASE(
    "move keeps a record: status shows it, recover leaves a netns held by path alone, "
    "recover ID gives it back") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    // A netns with no process in it, held at a path (here: this test's own fd of it).
    std::string path =
        "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(w.container.netns().fd());
    w.init.stop();
    TempStateDir dir;
    auto hook = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--state-dir", dir.str()});
        return run_hook_binary(w.host, "", args);
    };
    HookResult moved = hook({"move", "--netns", path, "v0=c0"});
    REQUIRE_MESSAGE(moved.exit_code == 0, moved.stderr_text);
    HookResult status = hook({"status"});
    CHECK(contains(status.stdout_text, "v0 (ifindex"));
    std::size_t at = status.stdout_text.find("container move-");
    REQUIRE(at != std::string::npos);
    std::string id =
        status.stdout_text.substr(at + 10, status.stdout_text.find(' ', at + 10) - at - 10);

    HookResult all = hook({"recover"});
    CHECK_MESSAGE(all.exit_code == 0, all.stderr_text);
    CHECK(contains(all.stdout_text,
                   "container " + id + ": its netns is still at " + path + ", left alone"));
    CHECK(w.in_container("c0").up);

    HookResult one = hook({"recover", id});
    CHECK_MESSAGE(one.exit_code == 0, one.stderr_text);
    CHECK(w.on_host("v0") == before);
}

TEST_CASE(
    "a netns bind-mounted elsewhere is found alive: recover leaves it, recover ID gives back") {
    // Found by probing: the path now named another netns, so the record's was "destroyed" and
    // the record forgotten, while the device lived on in the netns mounted elsewhere.
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    TempStateDir dir;
    std::string a = dir.path.parent_path().string() + "/netns-a-" + std::to_string(::getpid());
    std::string b = a + "-moved";
    std::string init_ns = "/proc/" + std::to_string(w.init.pid()) + "/ns/net";
    TestNetns other("another netns");
    std::string other_ns =
        "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(other.netns().fd());
    w.host.sh("touch " + a + " " + b + " && mount --bind " + init_ns + " " + a);
    auto hook = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--state-dir", dir.str()});
        return run_hook_binary(w.host, "", args);
    };
    REQUIRE(hook({"move", "--netns", a, "v0=ctr0"}).exit_code == 0);
    // `ip netns` style: the netns moves to b, a names another one, no process is in it.
    w.host.sh("mount --bind " + a + " " + b + " && umount " + a + " && mount --bind " + other_ns +
              " " + a);
    w.init.stop();

    HookResult all = hook({"recover"});
    CHECK_MESSAGE(all.exit_code == 0, all.stderr_text);
    CHECK_MESSAGE(contains(all.stdout_text, "its netns is still mounted at " + b + ", left alone"),
                  all.stdout_text);
    HookResult status = hook({"status"});
    std::size_t at = status.stdout_text.find("container move-");
    REQUIRE(at != std::string::npos);
    std::string id =
        status.stdout_text.substr(at + 10, status.stdout_text.find(' ', at + 10) - at - 10);
    HookResult one = hook({"recover", id});
    CHECK_MESSAGE(one.exit_code == 0, one.stderr_text);
    CHECK(w.on_host("v0") == before);
    w.host.sh("umount " + a + " " + b + "; rm -f " + a + " " + b);
}
