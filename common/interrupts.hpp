#pragma once
// SIGTERM, SIGINT and the run's deadline. A runtime SIGKILLs a hook that outlives its hooks.d
// `timeout` (docs/runtimes.md); the hook must roll back before that, so each of these only sets a
// flag that the mover checks between steps: it then rolls back and exits.
#include <sys/time.h>

#include <optional>
#include <string>

namespace netdev {

// Catches SIGTERM and SIGINT, and, with `deadline_seconds`, raises SIGALRM when that many
// seconds have passed since this call (the deadline of the whole run).
void arm_interrupts(std::optional<double> deadline_seconds);

// Throws HookError(failed_restored) "interrupted by SIGTERM" / "deadline of N s passed" when
// one came; nothing otherwise.
void throw_if_interrupted();

// "8", "0.5", "1e-06": seconds as messages show them.
std::string seconds_text(double seconds);

// Seconds left before the deadline (never below 0), or nullopt when there is none.
std::optional<double> seconds_left();

// `seconds` as a timeval, split in integer microseconds (no libm: bench/README.md).
timeval timeval_of_seconds(double seconds);

}  // namespace netdev
