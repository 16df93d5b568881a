#include "common/json_stream.hpp"

#include <poll.h>
#include <unistd.h>

#include <boost/json/stream_parser.hpp>
#include <cerrno>

#include "common/error.hpp"

namespace netdev {
namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

std::string duration_text(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

// Waits until fd is readable (data or EOF), at most `ms` (0: only what is there already).
bool wait_readable(int fd, int ms, const std::string& what) {
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int n = ::poll(&p, 1, ms);
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) throw_errno(ExitCode::invalid_input, "poll " + what, errno);
    }
}

int ms_until(Clock::time_point deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<long long>(left.count(), 0));
}

bool json_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void refuse_trailing(const char* p, std::size_t n, const std::string& what) {
    for (std::size_t i = 0; i < n; ++i)
        if (!json_whitespace(p[i]))
            throw HookError(ExitCode::invalid_input, what + ": trailing data after the JSON value");
}

}  // namespace

std::string read_json_value_bounded(int fd, std::size_t max_bytes, const std::string& what,
                                    std::chrono::milliseconds timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    json::stream_parser parser;
    std::string out;
    std::size_t total = 0;  // bytes read, trailing whitespace included
    char buf[65536];
    // Once the value is complete: only what is already in the pipe is looked at.
    bool complete = false;
    for (;;) {
        if (!wait_readable(fd, complete ? 0 : ms_until(deadline), what)) {
            if (complete) return out;
            throw HookError(ExitCode::invalid_input, what + ": no end of input within " +
                                                         duration_text(timeout) +
                                                         " (the writer never closed it)");
        }
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            if (complete) return out;
            continue;
        }
        if (n < 0) throw_errno(ExitCode::invalid_input, "read " + what, errno);
        if (n == 0) return out;  // EOF: the caller's parser judges what came
        auto got = static_cast<std::size_t>(n);
        if ((total += got) > max_bytes)
            throw HookError(ExitCode::invalid_input,
                            what + " is larger than " + std::to_string(max_bytes) + " bytes");
        if (complete) {
            refuse_trailing(buf, got, what);
            continue;
        }
        json::error_code ec;
        std::size_t used = parser.write_some(buf, got, ec);
        if (ec) {  // not JSON: named by the caller's parser, from the text as read
            out.append(buf, got);
            return out;
        }
        out.append(buf, used);
        if (parser.done()) {
            complete = true;
            refuse_trailing(buf + used, got - used, what);
        } else if (used != got) {  // cannot happen: write_some stops only at a complete value
            out.append(buf + used, got - used);
            return out;
        }
    }
}

}  // namespace netdev
