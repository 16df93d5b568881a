#pragma once
// One error type carried from the failing syscall or netlink request up to main(), which
// prints it as the single stderr line. Each layer adds its context with prefixed().
#include <stdexcept>
#include <string>

namespace netdev {

// Documented in README.md ("Exit codes").
enum class ExitCode : int {
    ok = 0,
    failed_restored = 1,     // an operation failed; every device is back as it was
    invalid_input = 2,       // usage, state JSON, config.json, names
    refused = 3,             // a pre-check failed; nothing was changed
    restore_incomplete = 4,  // a failure AND a device could not be put back: look at it
};

class HookError : public std::runtime_error {
  public:
    HookError(ExitCode code, const std::string& message, int sys_errno = 0)
        : std::runtime_error(message), code_(code), errno_(sys_errno) {}

    ExitCode code() const noexcept { return code_; }
    // The errno behind the failure (0 when it was not a syscall or kernel refusal).
    int sys_errno() const noexcept { return errno_; }
    // The same error with "context: " in front, for the next layer up.
    HookError prefixed(const std::string& context) const {
        return HookError(code_, context + ": " + what(), errno_);
    }

  private:
    ExitCode code_;
    int errno_;
};

std::string errno_text(int err);

// Throws HookError "<what>: <strerror(err)>".
[[noreturn]] void throw_errno(ExitCode code, const std::string& what, int err);

}  // namespace netdev
