#pragma once
// One error type carried from the failing syscall or netlink request up to main(), which
// prints it as the single stderr line. Each layer adds its context with prefixed().
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace netdev {

// The exit codes of oci-netdev-hook and oci-netdev-runtime. Their one description is
// exit_codes below: --help prints it (hooks/cli.cpp) and the man pages' EXIT STATUS sections
// are generated from it at build time (scripts/man-exit-status.cpp).
enum class ExitCode : int {
    ok = 0,
    failed_restored = 1,     // an operation failed; every device is back as it was
    invalid_input = 2,       // usage, state JSON, config.json, names
    refused = 3,             // a pre-check failed; nothing was changed
    restore_incomplete = 4,  // a failure AND a device could not be put back: look at it
};

struct ExitCodeInfo {
    ExitCode code;
    std::string_view name;     // the enumerator's name
    std::string_view summary;  // one line, for --help
    std::string_view meaning;  // oci-netdev-hook(1), EXIT STATUS
    // oci-netdev-runtime(1), EXIT STATUS: when the wrapper itself returns it, before the real
    // runtime runs (empty: never; once the runtime runs, its exit code is the runtime's own).
    std::string_view wrapper;
};

// Plain text (no markup): the man page generator escapes it for scdoc.
inline constexpr std::array<ExitCodeInfo, 5> exit_codes{{
    {ExitCode::ok, "ok", "done, or nothing to do", "Done, or nothing to do.", ""},
    {ExitCode::failed_restored, "failed_restored", "an operation failed; every device is back",
     "An operation failed; every device is back on the host as it was. Also a deadline that "
     "passed, or SIGTERM or SIGINT, after the rollback.",
     "config.json could not be replaced, or the real runtime could not be executed."},
    {ExitCode::invalid_input, "invalid_input", "invalid input (the message names it)",
     "Invalid input: arguments, state JSON, config.json, annotation, names, the policy file "
     "(not root's, writable by others, an unknown key, a bad pattern). The message names the "
     "field and the value.",
     "Invalid input: arguments, a config.json or settings file that cannot be read or parsed, "
     "a real runtime that is missing or names the wrapper itself."},
    {ExitCode::refused, "refused", "refused by a pre-check; nothing was changed",
     "Refused by a pre-check (a guardrail, the policy, a device missing, a name taken, no "
     "private network namespace, a target that is the runtime's own, a record that cannot be "
     "written); nothing was changed.",
     ""},
    {ExitCode::restore_incomplete, "restore_incomplete",
     "failed AND a device could not be restored (the message names it)",
     "An operation failed and a device could not be restored; at poststop or recover, a device "
     "could not be given back (for example, its host name was taken meanwhile: it stays where "
     "and as it is, its record kept). The message names it.",
     ""},
}};

// The table lists every code, in order.
static_assert([] {
    for (std::size_t i = 0; i < exit_codes.size(); ++i)
        if (static_cast<std::size_t>(exit_codes[i].code) != i) return false;
    return true;
}());

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
