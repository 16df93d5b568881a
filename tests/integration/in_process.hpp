#pragma once
// The hook's pipeline run inside this test process (in the world's host netns), so a test can
// change the world between plan and act, or hand it sockets with injected faults (in a forked
// child when the fault is a signal): the same run_pipeline the hook runs, not a copy.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>

#include "common/error.hpp"
#include "common/target_hold.hpp"
#include "hooks/device_move.hpp"
#include "tests/integration/world.hpp"
#include "tests/support/fault_transport.hpp"

namespace netdev::test {

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

// The hook's own pipeline (hooks/device_move.hpp run_pipeline, act mode) for `reqs` from the
// command line, run in the world's host netns into the netns of w.init: the record for
// container `id`/`bundle` in `state_dir` (a temporary one when empty), the netns pinned when
// `pin`. `open` stands for the kernel (faults), `between` runs after planning, before the first
// change (the devices' routes are read already, by the guardrails); `policy` decides as the
// admin's would. The requests are not validated (the request builder does that), so a test
// can hand the kernel a name it refuses after the move (K2).
struct InProcessRun {
    std::function<void()> between = {};
    SocketFactory open = kernel_socket;
    Policy policy = {};
    std::string state_dir = {};
    std::string id = {};
    std::string bundle = {};
    bool pin = false;
    pid_t pid = 0;      // the target's process; 0: w.init
    bool hold = false;  // held by a pidfd first, as run_hook holds a pid-based target
};

// nullopt on success, else the error the pipeline threw.
inline std::optional<HookError> pipeline_in_process(const World& w,
                                                    const std::vector<NetDeviceRequest>& reqs,
                                                    const InProcessRun& how = {}) {
    NetnsGuard in_host(w.host.netns());
    const pid_t pid = how.pid ? how.pid : w.init.pid();
    std::optional<TempStateDir> own;
    if (how.state_dir.empty()) own.emplace();
    try {
        std::optional<TargetHold> hold;
        if (how.hold) hold.emplace(pid);
        Netns target = Netns::open_pid(pid);
        StateDir dir(how.state_dir.empty() ? own->str() : how.state_dir);
        DeviceRequestSet request{RequestSource::command_line, "test", reqs, {}, true};
        run_pipeline({.mode = PipelineMode::act,
                      .request = request,
                      .policy = how.policy,
                      .target = &target,
                      .state_dir = &dir,
                      .record = {how.id, how.bundle, "", how.pin},
                      .open_socket = how.open,
                      .before_act = how.between});
    } catch (const HookError& e) {
        return e;
    }
    return std::nullopt;
}

inline std::optional<HookError> move_in_process(const World& w,
                                                const std::vector<NetDeviceRequest>& reqs,
                                                const std::function<void()>& between = {},
                                                const SocketFactory& open = kernel_socket) {
    return pipeline_in_process(w, reqs, {.between = between, .open = open});
}

// createRuntime as the hook runs it (write-ahead record for bundle `b` in `state_dir`, the
// netns of w.init pinned), with `plan` injecting faults.
inline std::optional<HookError> recorded_move(const World& w, const Bundle& b,
                                              const std::string& state_dir,
                                              const std::vector<NetDeviceRequest>& reqs,
                                              FaultPlan& plan, const Policy& policy = {}) {
    return pipeline_in_process(w, reqs,
                               {.open = faulty(plan),
                                .policy = policy,
                                .state_dir = state_dir,
                                .id = b.id(),
                                .bundle = b.dir().string(),
                                .pin = true});
}

// How the target of recorded_move_into() is held, as run_hook holds it.
struct TargetOptions {
    bool pin = true;    // the netns pinned in the state dir (restore on)
    bool hold = false;  // the process held by a pidfd first (a pid-based target, TargetHold)
};

// recorded_move() into the netns of process `pid`.
inline std::optional<HookError> recorded_move_into(const World& w, pid_t pid, TargetOptions how,
                                                   const Bundle& b, const std::string& state_dir,
                                                   const std::vector<NetDeviceRequest>& reqs,
                                                   FaultPlan& plan) {
    return pipeline_in_process(w, reqs,
                               {.open = faulty(plan),
                                .state_dir = state_dir,
                                .id = b.id(),
                                .bundle = b.dir().string(),
                                .pin = how.pin,
                                .pid = pid,
                                .hold = how.hold});
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
