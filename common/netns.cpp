#include "common/netns.hpp"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/error.hpp"

namespace netdev {
namespace {

UniqueFd open_ns_file(const std::string& path) {
    // O_NONBLOCK: a FIFO at a netns path would block open() until a writer came; it is then
    // refused by the namespace check below (open_path).
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd) throw_errno(ExitCode::refused, "open network namespace " + path, errno);
    return fd;
}

}  // namespace

Netns::Netns(UniqueFd fd, std::string label) : fd_(std::move(fd)), label_(std::move(label)) {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) throw_errno(ExitCode::refused, "fstat " + label_, errno);
    id_ = {st.st_dev, st.st_ino};
}

Netns Netns::open_path(const std::string& path) {
    return open_path(path, path);
}

Netns Netns::open_path(const std::string& path, const std::string& label) {
    UniqueFd fd = open_ns_file(path);
    // setns() would refuse any other file much later; refuse it now, naming the path.
    int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
    if (type < 0) throw_errno(ExitCode::refused, path + " is not a namespace file", errno);
    if (type != CLONE_NEWNET)
        throw HookError(ExitCode::refused, path + " is not a network namespace");
    return Netns(std::move(fd), label);
}

Netns Netns::open_pid(pid_t pid) {
    if (pid <= 0)
        throw HookError(ExitCode::invalid_input,
                        "state.pid " + std::to_string(pid) + " is not a process id");
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
    // Kernels before 5.3 (and valgrind) have no pidfd_open: the netns of the pid as it is now;
    // TargetHold (common/target_hold.hpp) then tells a reused pid by its start time.
    if (!pidfd && errno == ENOSYS) return Netns(open_ns_file(path), path);
    if (!pidfd) throw_errno(ExitCode::refused, "pidfd_open " + std::to_string(pid), errno);
    UniqueFd fd = open_ns_file(path);
    // The pidfd still refers to the process we pinned: if it died, the pid may have been
    // reused and the ns file we opened could belong to someone else.
    if (::syscall(SYS_pidfd_send_signal, pidfd.get(), 0, nullptr, 0) != 0)
        throw_errno(ExitCode::refused, "container process " + std::to_string(pid), errno);
    return Netns(std::move(fd), path);
}

Netns Netns::current() {
    return Netns(open_ns_file("/proc/self/ns/net"), "host netns");
}

NetnsGuard::NetnsGuard(const Netns& target) : origin_(open_ns_file("/proc/thread-self/ns/net")) {
    if (::setns(target.fd(), CLONE_NEWNET) != 0)
        throw_errno(ExitCode::refused, "setns into " + target.label(), errno);
}

NetnsGuard::~NetnsGuard() {
    // Failing to return would leave every later step acting in the wrong namespace.
    if (::setns(origin_.get(), CLONE_NEWNET) != 0) std::abort();
}

}  // namespace netdev
