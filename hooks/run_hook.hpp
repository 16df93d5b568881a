#pragma once
#include "hooks/cli.hpp"

namespace netdev {

// The whole hook after argument parsing: state from `state_fd`, then config.json, then the
// stage's work. Throws HookError; returns normally on success.
void run_hook(const CliOptions& options, int state_fd);

}  // namespace netdev
