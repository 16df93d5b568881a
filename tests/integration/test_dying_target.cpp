// Issue 17, fault 1: the container's process dies while the hook runs, its netns held by that
// process alone (as a runtime-made netns is, state.pid as the target). Once the hook exits, a
// veth moved into that netns would be destroyed with it, a physical NIC would land in the
// initial netns without its addresses. The run must fail instead and give every device back.
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <sstream>

#include "common/target_hold.hpp"
#include "hooks/cli.hpp"
#include "hooks/device_whereabouts.hpp"
#include "hooks/poststop.hpp"
#include "hooks/run_hook.hpp"
#include "netdev/journal.hpp"
#include "tests/integration/in_process.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

// A process in a netns of its own that nothing else holds (unshare, as runc's init does):
// killed (by pid) and reaped by kill() or on destruction.
class LoneContainer {
  public:
    LoneContainer() {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(ready[0]);
            if (::unshare(CLONE_NEWNET) != 0) ::_exit(126);
            (void)!::write(ready[1], "x", 1);
            ::execl("/bin/sleep", "sleep", "3600", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(ready[1]);
        bool ready_said = read_one_byte(ready[0]);
        ::close(ready[0]);
        REQUIRE_MESSAGE(ready_said, "the container process could not make its netns");
    }
    LoneContainer(const LoneContainer&) = delete;
    LoneContainer& operator=(const LoneContainer&) = delete;
    ~LoneContainer() { kill(); }
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
    }
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_;
};

// createRuntime's act step as run_hook runs it for a pid-based target: the process held by
// a pidfd first, then its netns opened by pid; a record without a pin (no restore).
std::optional<HookError> move_into_lone(const World& w, const Bundle& b,
                                        const std::string& state_dir, pid_t pid,
                                        const std::vector<NetDeviceRequest>& reqs,
                                        FaultPlan& plan) {
    return recorded_move_into(w, pid, {.pin = false, .hold = true}, b, state_dir, reqs, plan);
}

void build_two(const World& w) {
    w.configured_veth("v0", 2);  // up, MTU 1400, IPv4 and IPv6
    w.veth("v1");                // down, MTU 1280, one address
    w.host.sh("ip link set v1 mtu 1280 && ip addr add 10.1.0.1/16 dev v1");
}

const std::vector<NetDeviceRequest> kTwo{{"v0", "c0"}, {"v1", "eth%d"}};

std::vector<DeviceView> two_on_host(const World& w) {
    return {w.on_host("v0"), w.on_host("v1")};
}

// How many netlink requests a complete two-device run sends.
int requests_of_a_run() {
    World w;
    build_two(w);
    LoneContainer c;
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    FaultPlan count{0};
    auto error = move_into_lone(w, b, dir.str(), c.pid(), kTwo, count);
    REQUIRE_FALSE(error);
    return count.seen;
}

}  // namespace

TEST_CASE("the container's process killed between the move and the commit: all given back") {
    const int last = requests_of_a_run();
    REQUIRE(last > 4);
    // At the last request every device is in the container, configured; then only the commit.
    // Half way: one device moved, the next on its way.
    for (int at : {last, last / 2}) {
        CAPTURE(at);
        World w;
        build_two(w);
        std::vector<DeviceView> before = two_on_host(w);
        LoneContainer c;
        Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
        TempStateDir dir;
        FaultPlan plan{at};
        plan.action = [&] { c.kill(); };
        auto error = move_into_lone(w, b, dir.str(), c.pid(), kTwo, plan);
        REQUIRE(plan.fired);
        REQUIRE_MESSAGE(error, "the run succeeded into a netns that nobody holds");
        CHECK(error->code() == ExitCode::failed_restored);
        CHECK(contains(error->what(), "the container process (state.pid"));
        CHECK(contains(error->what(), "exited while the hook ran"));
        CHECK(contains(error->what(), "(all devices restored on the host)"));
        CHECK(std::string(error->what()).find('\n') == std::string::npos);
        // Back exactly as before: name, admin state, MTU, MAC, addresses.
        CHECK(two_on_host(w) == before);
        CHECK(link_names(w.host) == std::vector<std::string>{"v0", "v0p", "v1", "v1p"});
        CHECK(std::filesystem::is_empty(dir.path));  // nothing recorded: nothing is away
    }
}

TEST_CASE("a held target process: alive, then gone once killed, even before it is reaped") {
    LoneContainer c;
    TargetHold hold(c.pid());
    CHECK_FALSE(hold.gone());
    CHECK_NOTHROW(throw_if_target_gone());
    ::kill(c.pid(), SIGKILL);
    // A zombie holds no namespace: gone as soon as it has exited.
    for (int i = 0; i < 1000 && !hold.gone(); ++i) ::usleep(1000);
    CHECK(hold.gone());
    CHECK_THROWS_AS(throw_if_target_gone(), HookError);
    c.kill();
}

// The kernel sends a physical NIC or VF whose netns dies to the initial netns, as dev%d and
// without its addresses; a veth dies with it. A test cannot let a device reach the real
// initial netns, nor make a veth do what a NIC does: the initial netns is a private one here
// (InitialNetnsForTests) and the test moves the device there the way the kernel would.
// What this shows: status and recover find the device there by identity, recover brings it
// back to the recorded host netns and state. What it cannot: the kernel's own return of a
// physical device (its dev%d name, its new ifindex), which needs real hardware.
TEST_CASE("status and recover: a device in the initial netns, another destroyed with its netns") {
    World w;
    build_two(w);
    std::vector<DeviceView> before = two_on_host(w);
    TestNetns initial("simulated initial netns");
    ParkedProcess in_initial(initial);
    InitialNetnsForTests seam("/proc/" + std::to_string(in_initial.pid()) + "/ns/net");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    TempStateDir dir;
    {
        LoneContainer c;
        FaultPlan none{0};
        REQUIRE_FALSE(
            recorded_move_into(w, c.pid(), {.pin = false, .hold = true}, b, dir.str(), kTwo, none));
        {
            Netns ctr = Netns::open_pid(c.pid());
            NetlinkSocket sock = NetlinkSocket::open_in(ctr);
            std::optional<LinkInfo> c0 = find_link_by_name(sock, "c0");
            REQUIRE(c0);
            set_link_up(sock, *c0, false);
            move_link(sock, *c0, initial.netns().fd(), initial.netns().label(), "dev3");
        }
        c.kill();  // its netns dies, and eth0 (v1, a veth) with it
    }
    REQUIRE(link_names(initial) == std::vector<std::string>{"dev3"});
    NetnsGuard in_host(w.host.netns());
    CliOptions status;
    status.command = Command::status;
    status.state_dir = dir.str();
    std::ostringstream seen;
    run_status(status, seen);
    CHECK(contains(seen.str(), "the container netns is gone; its devices now:\n"));
    CHECK(contains(seen.str(),
                   "  v0: returned to the initial netns as dev3 (not to the host netns it came "
                   "from)\n"));
    CHECK(contains(seen.str(), "  v1: destroyed with its netns\n"));

    std::ostringstream recovered;
    run_recover("", StateDir(dir.str()), recovered);
    const std::string who = "container " + b.id() + ": ";
    CHECK(contains(recovered.str(),
                   who + "v0: returned to the initial netns as dev3, brought back\n"));
    CHECK(contains(recovered.str(), who + "v1: destroyed with its netns\n"));
    CHECK(w.on_host("v0") == before[0]);  // name, admin state, MTU, MAC, addresses as recorded
    CHECK(link_names(initial).empty());
    CHECK(std::filesystem::is_empty(dir.path));
}
