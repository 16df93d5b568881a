#pragma once
// Command line:
//   oci-netdev-hook [OPTIONS] [STAGE]                       the hook, state on stdin
//   oci-netdev-hook [OPTIONS] check BUNDLE | --state FILE   dry run: print the plan
//   oci-netdev-hook [OPTIONS] move --netns PATH | --pid PID HOSTDEV[=NAME]...
//   oci-netdev-hook [OPTIONS] status [ID]
//   oci-netdev-hook [OPTIONS] recover [ID]
#include <sys/types.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/logging.hpp"
#include "common/native_mode.hpp"

namespace netdev {

// hooks.d files say `"timeout": 10`; the hook is done 2 s before the runtime kills it.
inline constexpr double kDefaultDeadlineSeconds = 8;

enum class Command { hook, check, move, status, recover };
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
    std::string container_id;          // status ID, recover ID
    std::string state_dir;             // records and locks
    std::string policy_path;           // --policy; empty: $OCI_NETDEV_HOOK_POLICY or default
    bool restore = false;              // poststop: give the devices back
    std::string sysfs_root = "/sys";   // where selectors read sysfs; a test aid
    std::optional<NativeMode> native;  // --native; nullopt: the policy's "native", else auto
    std::string runtime_path;          // --runtime: the runtime to ask instead of the parent
    // The whole run ends (rolled back if need be) within this many seconds: below the
    // runtime's hook timeout (hooks.d `timeout`), which SIGKILLs.
    double deadline_seconds = kDefaultDeadlineSeconds;
};

// Throws HookError(invalid_input) naming the bad argument.
CliOptions parse_cli(int argc, const char* const* argv);
std::string usage_text();
const char* stage_name(Stage stage);

}  // namespace netdev
