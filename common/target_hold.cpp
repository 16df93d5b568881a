#include "common/target_hold.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace netdev {
namespace {

const TargetHold* g_held = nullptr;

struct ProcStat {
    char state = 0;
    unsigned long long start_time = 0;
};

// Fields 3 and 22 of /proc/PID/stat (proc(5)); nullopt once the process is gone.
std::optional<ProcStat> proc_stat(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t close = text.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 1));
    ProcStat st;
    std::string skip;
    if (!(fields >> st.state)) return std::nullopt;
    for (int field = 4; field < 22; ++field) fields >> skip;
    if (!(fields >> st.start_time)) return std::nullopt;
    return st;
}

}  // namespace

TargetHold::TargetHold(pid_t pid) : pid_(pid) {
    if (pid <= 0)
        throw HookError(ExitCode::invalid_input,
                        "state.pid " + std::to_string(pid) + " is not a process id");
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd_ && errno == ENOSYS) {
        std::optional<ProcStat> st = proc_stat(pid);
        if (!st || st->state == 'Z')
            throw HookError(ExitCode::refused,
                            "state.pid " + std::to_string(pid) + ": no such process");
        start_time_ = st->start_time;
    } else if (!pidfd_) {
        throw_errno(ExitCode::refused, "pidfd_open " + std::to_string(pid), errno);
    }
    g_held = this;
}

TargetHold::~TargetHold() {
    if (g_held == this) g_held = nullptr;
}

bool TargetHold::gone() const {
    if (!pidfd_) {
        std::optional<ProcStat> st = proc_stat(pid_);
        return !st || st->state == 'Z' || st->start_time != start_time_;
    }
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
