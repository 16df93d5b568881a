#pragma once
// The hook's move run inside this test process (in the world's host netns), so a test can
// change the world between plan and act, or hand the mover sockets with injected faults
// (in a forked child when the fault is a signal).
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>

#include "common/error.hpp"
#include "common/target_hold.hpp"
#include "netdev/journal.hpp"
#include "netdev/mover.hpp"
#include "netdev/rtnl_directory.hpp"
#include "tests/integration/world.hpp"
#include "tests/support/fault_transport.hpp"

namespace netdev::test {

using SocketFactory = std::function<NetlinkSocket(const Netns&)>;

// nullopt on success, else the error execute_plan (or the planner) threw.
inline std::optional<HookError> move_in_process(
    const World& w, const std::vector<NetDeviceRequest>& reqs,
    const std::function<void()>& between = {},
    const SocketFactory& open = [](const Netns& ns) { return NetlinkSocket::open_in(ns); }) {
    NetnsGuard in_host(w.host.netns());
    Netns self = Netns::current();
    Netns target = Netns::open_path("/proc/" + std::to_string(w.init.pid()) + "/ns/net");
    try {
        NetlinkSocket host_sock = open(self);
        NetlinkSocket target_sock = open(target);
        RtnlDirectory host_dir(host_sock), target_dir(target_sock);
        MovePlan plan = plan_moves(reqs, host_dir, target_dir);
        if (between) between();
        execute_plan(plan, {self, host_sock}, {target, target_sock});
    } catch (const HookError& e) {
        return e;
    }
    return std::nullopt;
}

inline SocketFactory faulty(FaultPlan& plan) {
    return [&plan](const Netns& ns) {
        return NetlinkSocket(std::make_unique<FaultyTransport>(open_rtnl_transport(ns), plan),
                             ns.label());
    };
}

// A state dir of its own, so that `recover` (all records) sees only this test's.
struct TempStateDir {
    std::filesystem::path path;
    TempStateDir() {
        std::string tmpl = std::string(std::getenv("OCI_NETDEV_HOOK_STATE_DIR")) + "/run-XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempStateDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string str() const { return path.string(); }
};

// How the target of recorded_move_into() is held, as run_hook holds it.
struct TargetOptions {
    bool pin = true;    // the netns pinned in the state dir (restore on)
    bool hold = false;  // the process held by a pidfd first (a pid-based target, TargetHold)
};

// createRuntime's act step as the hook runs it (write-ahead record for bundle `b`) into the
// netns of process `pid`, in the world's host netns, with `plan` injecting faults.
inline std::optional<HookError> recorded_move_into(const World& w, pid_t pid, TargetOptions how,
                                                   const Bundle& b, const std::string& state_dir,
                                                   const std::vector<NetDeviceRequest>& reqs,
                                                   FaultPlan& plan) {
    NetnsGuard in_host(w.host.netns());
    Netns self = Netns::current();
    try {
        std::optional<TargetHold> hold;
        if (how.hold) hold.emplace(pid);
        Netns target = Netns::open_pid(pid);
        StateDir dir(state_dir);
        NetlinkSocket host_sock = faulty(plan)(self);
        NetlinkSocket target_sock = faulty(plan)(target);
        RtnlDirectory host_dir(host_sock), target_dir(target_sock);
        MovePlan moves = plan_moves(reqs, host_dir, target_dir);
        ContainerRecord header;
        header.id = b.id();
        header.bundle = b.dir().string();
        header.netns = target.id();
        Journal journal(dir, header, how.pin ? &target : nullptr);
        execute_plan(moves, {self, host_sock}, {target, target_sock}, &journal);
    } catch (const HookError& e) {
        return e;
    }
    return std::nullopt;
}

// The same into the netns of w.init, pinned.
inline std::optional<HookError> recorded_move(const World& w, const Bundle& b,
                                              const std::string& state_dir,
                                              const std::vector<NetDeviceRequest>& reqs,
                                              FaultPlan& plan) {
    return recorded_move_into(w, w.init.pid(), {}, b, state_dir, reqs, plan);
}

// Blocks until one byte comes from `fd` (a child saying it is ready); false at EOF.
inline bool read_one_byte(int fd) {
    char c = 0;
    ssize_t n;
    do n = ::read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    return n == 1;
}

// Runs `body` in a forked child (signal handlers and deaths stay there); its exit status as
// a shell shows it: the code, or 128 + the signal that killed it.
inline int in_child(const std::function<int()>& body) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(body());
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace netdev::test
