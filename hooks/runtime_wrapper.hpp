#pragma once
// oci-netdev-runtime: a drop-in for runc that adds the hook to a container's config.json when
// the container asks for devices, for engines that cannot register hooks themselves
// (containerd 1.6, Docker 20.10; docs/runtimes.md "Docker and containerd"). The decisions live
// here, free of side effects, so they can be tested without a runtime; runtime_wrapper_main.cpp
// acts.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdev {

// What the wrapper needs of a runtime command line: `runc [GLOBAL OPTIONS] COMMAND [OPTIONS] ID`.
struct RuntimeCommand {
    std::string command;     // "create", "run", "start", ...; empty when there is none
    std::string bundle;      // --bundle/-b of create and run; empty: the working directory
    std::string log_file;    // the global --log, where containerd looks for the error
    std::string log_format;  // the global --log-format ("json" for containerd and Docker)
};

// `args` without argv[0]. Knows runc's, crun's and youki's global options that take a value.
RuntimeCommand parse_runtime_command(const std::vector<std::string>& args);

// Where the wrapper's settings come from: OCI_NETDEV_RUNTIME, OCI_NETDEV_HOOK_PATH, else the
// file named by OCI_NETDEV_RUNTIME_CONFIG (default kWrapperConfigFile), else the defaults.
inline constexpr const char* kWrapperConfigFile = "/etc/oci-netdev-hook/runtime.json";
struct WrapperSettings {
    std::string runtime = "runc";        // a name looked up in PATH, or a path
    std::string hook;                    // the hook binary's absolute path
    std::vector<std::string> hook_args;  // before the stage, e.g. {"--policy", FILE}
};

// Applies {"runtime": .., "hook": .., "hook_args": [..]} (each optional) from a settings file.
// Throws HookError(invalid_input) naming the field.
void apply_settings_file(WrapperSettings& settings, std::string_view json_text,
                         const std::string& path);

// The new config.json text when the container asks for devices (linux.netDevices, the devices
// annotation outside a CRI pod's member containers, or kDevicesEnv in process.env, as Docker
// 20.10 has no annotations) and a hook entry of ours is missing from createRuntime,
// createContainer or poststop; nullopt when nothing is to change. Every other field is kept,
// unknown ones too. Throws HookError(invalid_input) for a config.json that is
// not a JSON object or whose hooks are malformed.
std::optional<std::string> add_hook_to_config(std::string_view config_text,
                                              const WrapperSettings& settings);

}  // namespace netdev
