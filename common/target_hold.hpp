#pragma once
// The container's process held by a pidfd for the whole createRuntime run, when the target
// netns is that process's (state.pid, no netns path: the netns a runtime made, held by that
// process alone). The hook's own netns fd keeps the netns alive while it runs; once the hook
// exits, a netns whose process died meanwhile dies too, and with it every device moved in
// (a veth is destroyed, a physical NIC returns to the initial netns without its addresses).
// So the mover asks, before its commit, whether the process is still there.
#include <sys/types.h>

#include "common/unique_fd.hpp"

namespace netdev {

// While it lives, throw_if_target_gone() asks about `pid`. One at a time (the hook runs one
// createRuntime per process). The pidfd is opened here, before the netns is opened by pid:
// a pid reused in between is then seen as the process gone.
class TargetHold {
  public:
    explicit TargetHold(pid_t pid);
    TargetHold(const TargetHold&) = delete;
    TargetHold& operator=(const TargetHold&) = delete;
    ~TargetHold();

    // The held process has exited (a zombie counts: it holds no namespace any more).
    bool gone() const;
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_;
    UniqueFd pidfd_;
    // Without pidfd_open (kernels before 5.3): the process's start time from /proc/PID/stat,
    // so that a pid reused by another process reads as gone too.
    unsigned long long start_time_ = 0;
};

// Throws HookError(failed_restored) naming the process when a held target process is gone;
// nothing when none is held or it is alive. Called between the last move and the commit.
void throw_if_target_gone();

}  // namespace netdev
