#pragma once
// Command line:
//   oci-netdev-hook [OPTIONS] [STAGE]                       the hook, state on stdin
//   oci-netdev-hook [OPTIONS] check BUNDLE | --state FILE   dry run: print the plan
//   oci-netdev-hook [OPTIONS] move --netns PATH | --pid PID HOSTDEV[=NAME]...
//   oci-netdev-hook [OPTIONS] status [ID]
#include <sys/types.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/logging.hpp"

namespace netdev {

enum class Command { hook, check, move, status };
enum class Stage { from_state, create_runtime, create_container, poststop };

struct CliOptions {
    Command command = Command::hook;
    Stage stage = Stage::from_state;
    LogOptions log;
    bool help = false;
    bool version = false;
    std::string bundle;                // check BUNDLE
    std::string state_file;            // check --state FILE
    std::string netns_path;            // move --netns PATH
    std::optional<pid_t> pid;          // move --pid PID
    std::vector<std::string> devices;  // move HOSTDEV[=NAME]...
    std::string container_id;          // status ID
    std::string state_dir;             // records and locks
    std::string policy_path;           // --policy; empty: $OCI_NETDEV_HOOK_POLICY or default
    bool restore = false;              // poststop: give the devices back
    std::string sysfs_root = "/sys";   // where selectors read sysfs; a test aid
};

// Throws HookError(invalid_input) naming the bad argument.
CliOptions parse_cli(int argc, const char* const* argv);
std::string usage_text();
const char* stage_name(Stage stage);

}  // namespace netdev
