#pragma once
#include <iosfwd>

#include "hooks/cli.hpp"

namespace netdev {

struct OciState;
// The stage a hook called without one is at, from the state's status and pid; throws
// HookError(invalid_input) when they do not tell.
Stage stage_from_state(const OciState& st);

// Each command after argument parsing. They throw HookError and return normally on success.
// The hook: state from `state_fd`, then config.json, then the stage's work.
void run_hook(const CliOptions& options, int state_fd);
// check: the hook's pre-checks without changes; the plan goes to `out`.
void run_check(const CliOptions& options, std::ostream& out);
// move: the hook's move for the devices named on the command line.
void run_move(const CliOptions& options);
// status: the records, to `out`.
void run_status(const CliOptions& options, std::ostream& out);

}  // namespace netdev
