#pragma once
// Command line: oci-netdev-hook [--log-level L] [--log-file F] [STAGE]
#include <string>
#include <string_view>

#include "common/logging.hpp"

namespace netdev {

enum class Stage { from_state, create_runtime, create_container, poststop };

struct CliOptions {
    Stage stage = Stage::from_state;
    LogOptions log;
    bool help = false;
    bool version = false;
};

// Throws HookError(invalid_input) naming the bad argument.
CliOptions parse_cli(int argc, const char* const* argv);
std::string usage_text();
const char* stage_name(Stage stage);

}  // namespace netdev
