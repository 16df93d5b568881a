// Faults at every netlink request of a 3-device run: an error (rollback must bring all three
// devices back on the host as they were), a second error during that rollback (exit 4, the
// record kept, poststop finishes the job), and SIGKILL (what a runtime does when the hook
// passes its timeout: poststop or `recover` must bring them back from the write-ahead record).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "common/interrupts.hpp"
#include "netdev/journal.hpp"
#include "netdev/routes.hpp"
#include "tests/integration/in_process.hpp"
#include "tests/support/fault_transport.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

void build_three(const World& w) {
    // up, MTU 1400, IPv4 with broadcast, IPv6 with and without DAD; IPv4 and IPv6 routes
    w.configured_veth("v0", 2);
    w.host.sh(
        "ip route add 203.0.113.0/24 via 192.0.2.2 dev v0 && "
        "ip -6 route add 2001:db8:99::/64 via 2001:db8:2::2 dev v0");
    w.veth("v1");  // down, MTU 1280, IPv4 and IPv6
    w.host.sh(
        "ip link set v1 mtu 1280 && ip addr add 10.1.0.1/16 dev v1 && "
        "ip -6 addr add 2001:db8:11::1/64 dev v1 nodad");
    w.veth("v2");  // up, peer address, IPv6 nodad, a route in another table
    w.host.sh(
        "ip addr add 198.51.100.1 peer 198.51.100.2/32 dev v2 && "
        "ip -6 addr add 2001:db8:22::1/64 dev v2 nodad && ip link set v2 up && "
        "ip route add 192.0.2.128/25 via 198.51.100.2 dev v2 table 100");
}

const std::vector<NetDeviceRequest> kThree{{"v0", "c0"}, {"v1", "c1"}, {"v2", "eth%d"}};

// The carried routes through `name` in `where`, as `ip route` shows them.
std::vector<std::string> routes_of(const TestNetns& where, const std::string& name) {
    NetlinkSocket sock = where.socket();
    std::optional<LinkInfo> link = find_link_by_name(sock, name);
    if (!link) return {"(no " + name + ")"};
    std::vector<std::string> out;
    for (const RouteRecord& r : dump_routes(sock, link->index, name))
        out.push_back(r.describe(name));
    std::sort(out.begin(), out.end());
    return out;
}

// Devices as `ip address show` sees them, and their routes.
struct HostView {
    std::vector<DeviceView> devices;
    std::vector<std::vector<std::string>> routes;
    bool operator==(const HostView&) const = default;
};

bool only_lock_files(const std::filesystem::path& dir) {
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (!e.path().filename().string().ends_with(".lock")) return false;
    return true;
}

HostView three_on_host(const World& w) {
    HostView v;
    for (const char* name : {"v0", "v1", "v2"}) {
        v.devices.push_back(w.on_host(name));
        v.routes.push_back(routes_of(w.host, name));
    }
    return v;
}

// The 3-device run in a forked child that gets `signal` right before request `at`: 137
// when SIGKILL killed it, else 0 when the run completed, 1 + the exit code of its error.
int signalled_move(const World& w, const Bundle& b, const std::string& dir, int at, int signal,
                   std::optional<double> deadline = {}) {
    return in_child([&] {
        if (signal != SIGKILL) arm_interrupts(deadline);
        FaultPlan plan{at};
        plan.signal = signal;
        auto error = recorded_move(w, b, dir, kThree, plan);
        if (!plan.fired) return error ? 99 : 0;
        return error ? 1 + static_cast<int>(error->code()) : 98;
    });
}

}  // namespace

TEST_CASE("a fault at any netlink request of a 3-device run leaves all devices as they were") {
    const int errors[] = {EIO, ENOBUFS, EBUSY, ENOMEM};
    int injected = 0, intact = 0;
    for (int n = 1;; ++n) {
        World w;
        build_three(w);
        HostView before = three_on_host(w);
        REQUIRE(before.routes[0].size() == 2);  // the routes are there to be lost
        REQUIRE(before.routes[2].size() == 1);
        FaultPlan plan{n, errors[n % 4]};
        auto error = move_in_process(w, kThree, {}, faulty(plan));
        if (!plan.fired) {  // past the last request: the run is complete
            CHECK_FALSE(error);
            CHECK(link_names(w.container) == std::vector<std::string>{"c0", "c1", "eth0"});
            break;
        }
        ++injected;
        CAPTURE(n);
        REQUIRE(error);
        CHECK(error->code() == ExitCode::failed_restored);
        HostView after = three_on_host(w);
        CHECK(after == before);
        CHECK(link_names(w.container).empty());
        if (after == before && link_names(w.container).empty()) ++intact;
    }
    std::cout << "fault injection: " << injected << " faults injected, " << intact
              << " runs with every device intact\n";
    CHECK(injected >= 15);
    CHECK(intact == injected);
}

TEST_CASE("a second fault during rollback: exit 4, the record kept, poststop restores it all") {
    // The first run in which a fault and another two requests later leave a device out.
    for (int n = 1;; ++n) {
        World w;
        build_three(w);
        HostView before = three_on_host(w);
        Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
        TempStateDir dir;
        FaultPlan plan{n, EIO};
        plan.fail_again_at = n + 2;
        auto error = recorded_move(w, b, dir.str(), kThree, plan);
        REQUIRE_MESSAGE(plan.fired, "no run left a device out");
        REQUIRE(error);
        if (error->code() != ExitCode::restore_incomplete) continue;
        CAPTURE(n);
        CHECK(contains(error->what(), "NOT RESTORED"));
        std::string file = record_file_name(b.id(), b.dir().string());
        REQUIRE(std::filesystem::exists(dir.path / file));

        HookResult r = run_hook_binary(w.host, b.state(0, "stopped"),
                                       {"--state-dir", dir.path.string(), "poststop"});
        CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
        CHECK(three_on_host(w) == before);
        CHECK(link_names(w.container).empty());
        CHECK_FALSE(std::filesystem::exists(dir.path / file));
        break;
    }
}

TEST_CASE("SIGKILL before any netlink request of a 3-device run: poststop or recover restores") {
    int runs = 0, intact = 0;
    for (const std::string way : {"poststop", "recover"}) {
        for (int n = 1;; ++n) {
            World w;
            build_three(w);
            HostView before = three_on_host(w);
            Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
            TempStateDir dir;
            CAPTURE(way);
            CAPTURE(n);
            int status = signalled_move(w, b, dir.str(), n, SIGKILL);
            REQUIRE((status == 128 + SIGKILL || status == 0));
            w.init.stop();  // the runtime kills the container; the pin keeps its netns
            std::vector<std::string> args{"--state-dir", dir.str(), way};
            if (way == "poststop") args.insert(args.begin(), "--restore");
            // Past the last request the run completed: given back all the same.
            HookResult r = run_hook_binary(w.host, b.state(0, "stopped"), args);
            CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
            HostView after = three_on_host(w);
            CHECK(after == before);
            // Records and pins released. A device lock's file may stay after a SIGKILL (its
            // flock died with the process; the next hook takes and removes it).
            bool no_records = only_lock_files(dir.path);
            CHECK(no_records);
            if (status == 0) break;
            ++runs;
            if (r.exit_code == 0 && after == before && no_records) ++intact;
        }
    }
    std::cout << "kill test: " << intact << "/" << runs << " runs intact\n";
    CHECK(runs >= 30);
    CHECK(intact == runs);
}

TEST_CASE("createRuntime run again after a SIGKILL finishes the job; poststop gives it all back") {
    const std::string three = R"({"v0":{"name":"c0"},"v1":{"name":"c1"},"v2":{"name":"eth%d"}})";
    for (int n : {8, 14, 20}) {  // v0 moved, v1 half way, v2 half way
        CAPTURE(n);
        World w;
        build_three(w);
        HostView before = three_on_host(w);
        Bundle b(config_with(three));
        TempStateDir dir;
        REQUIRE(signalled_move(w, b, dir.str(), n, SIGKILL) == 128 + SIGKILL);
        HookResult again =
            run_hook_binary(w.host, b.state(w.init.pid()),
                            {"--state-dir", dir.str(), "--restore", "createRuntime"});
        CHECK_MESSAGE(again.exit_code == 0, again.stderr_text);
        CHECK(link_names(w.container) == std::vector<std::string>{"c0", "c1", "eth0"});
        CHECK(w.in_container("c0").addresses.size() == 3);
        CHECK(w.in_container("c1").addresses.size() == 2);
        CHECK(w.in_container("c1").up);
        CHECK(routes_of(w.container, "c0").size() == 2);
        HookResult r = run_hook_binary(w.host, b.state(0, "stopped"),
                                       {"--state-dir", dir.str(), "--restore", "poststop"});
        CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
        CHECK(three_on_host(w) == before);
    }
}

TEST_CASE("SIGTERM, SIGINT or the deadline half way: the hook rolls back, then exits 1") {
    for (int signal : {SIGTERM, SIGINT, SIGALRM}) {
        CAPTURE(signal);
        World w;
        build_three(w);
        HostView before = three_on_host(w);
        Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
        TempStateDir dir;
        // Request 12: v0 is in the container, v1 on its way. SIGALRM is the deadline's timer.
        int status = signalled_move(w, b, dir.str(), 12, signal, 3600);
        CHECK(status == 1 + static_cast<int>(ExitCode::failed_restored));
        CHECK(three_on_host(w) == before);
        CHECK(link_names(w.container).empty());
        CHECK(std::filesystem::is_empty(dir.path));
    }
}

TEST_CASE("a deadline that passes before the hook is done: rolled back, named in the error") {
    World w;
    build_three(w);
    HostView before = three_on_host(w);
    Bundle b(config_with(R"({"v0":{"name":"c0"},"v1":{"name":"c1"}})"));
    HookResult r = w.hook(b, {"--deadline", "0.000001", "createRuntime"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.stderr_text, "the deadline of 1e-06 s (--deadline) passed"));
    CHECK(three_on_host(w) == before);
}
