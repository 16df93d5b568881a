#include "common/read_file.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace netdev {
namespace {

using Clock = std::chrono::steady_clock;

std::string duration_text(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

// Waits until fd is readable (data or EOF) or the deadline passes.
bool wait_readable(int fd, Clock::time_point deadline, const std::string& what) {
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{fd, POLLIN, 0};
        int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) throw_errno(ExitCode::invalid_input, "poll " + what, errno);
    }
}

const char* kind_name(mode_t mode) {
    switch (mode & S_IFMT) {
        case S_IFIFO:
            return "a FIFO";
        case S_IFDIR:
            return "a directory";
        case S_IFCHR:
            return "a character device";
        case S_IFBLK:
            return "a block device";
        case S_IFSOCK:
            return "a socket";
        default:
            return "a special file";
    }
}

// Reads fd to EOF within max_bytes. With a timeout each read waits for input (a pipe);
// without, it is a regular file, always readable: no poll before each read.
std::string read_to_end(int fd, std::size_t max_bytes, const std::string& what,
                        std::optional<std::chrono::milliseconds> timeout) {
    const Clock::time_point deadline =
        Clock::now() + timeout.value_or(std::chrono::milliseconds(0));
    std::string out;
    char buf[65536];
    for (;;) {
        if (timeout && !wait_readable(fd, deadline, what))
            throw HookError(ExitCode::invalid_input, what + ": no end of input within " +
                                                         duration_text(*timeout) +
                                                         " (the writer never closed it)");
        ssize_t n = ::read(fd, buf, sizeof buf);
        // EAGAIN: a pipe that poll() said was readable raced with another reader; poll again.
        if (n < 0 && (errno == EINTR || (timeout && errno == EAGAIN))) continue;
        if (n < 0) throw_errno(ExitCode::invalid_input, "read " + what, errno);
        if (n == 0) return out;
        if (out.size() + static_cast<std::size_t>(n) > max_bytes)
            throw HookError(ExitCode::invalid_input,
                            what + " is larger than " + std::to_string(max_bytes) + " bytes");
        out.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

std::string read_fd_bounded(int fd, std::size_t max_bytes, const std::string& what,
                            std::chrono::milliseconds timeout) {
    return read_to_end(fd, max_bytes, what, timeout);
}

std::string read_regular_fd_bounded(int fd, std::size_t max_bytes, const std::string& what) {
    return read_to_end(fd, max_bytes, what, std::nullopt);
}

std::string read_file_bounded(const std::string& path, std::size_t max_bytes, FileKinds kinds) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd) throw_errno(ExitCode::invalid_input, "open " + path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno(ExitCode::invalid_input, "fstat " + path, errno);
    bool pipe_ok = kinds == FileKinds::regular_or_pipe && S_ISFIFO(st.st_mode);
    if (!S_ISREG(st.st_mode) && !pipe_ok)
        throw HookError(ExitCode::invalid_input,
                        path + " is " + kind_name(st.st_mode) + ", not a regular file");
    if (S_ISREG(st.st_mode)) return read_regular_fd_bounded(fd.get(), max_bytes, path);
    return read_fd_bounded(fd.get(), max_bytes, path);
}

}  // namespace netdev
