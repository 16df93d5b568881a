#include "common/target_hold.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/error.hpp"

namespace netdev {
namespace {

const TargetHold* g_held = nullptr;

}  // namespace

TargetHold::TargetHold(pid_t pid) : pid_(pid) {
    if (pid <= 0)
        throw HookError(ExitCode::invalid_input,
                        "state.pid " + std::to_string(pid) + " is not a process id");
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd_) throw_errno(ExitCode::refused, "pidfd_open " + std::to_string(pid), errno);
    g_held = this;
}

TargetHold::~TargetHold() {
    if (g_held == this) g_held = nullptr;
}

bool TargetHold::gone() const {
    // A pidfd polls readable once its process has exited.
    for (;;) {
        pollfd p{pidfd_.get(), POLLIN, 0};
        int n = ::poll(&p, 1, 0);
        if (n >= 0) return n > 0;
        if (errno != EINTR) throw_errno(ExitCode::failed_restored, "poll pidfd", errno);
    }
}

void throw_if_target_gone() {
    if (!g_held || !g_held->gone()) return;
    throw HookError(ExitCode::failed_restored,
                    "the container process (state.pid " + std::to_string(g_held->pid()) +
                        ") exited while the hook ran: its netns, and the devices in it, would "
                        "be left to nobody");
}

}  // namespace netdev
