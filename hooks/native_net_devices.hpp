#pragma once
// Runtimes that move linux.netDevices themselves (runc >= 1.4, crun >= 1.22: before
// createRuntime hooks; youki >= 0.6: after them) must not find the device gone, moved by the
// hook first. For such a runtime the hook decides (guardrails, policy), checks and records
// what the runtime moves (device_move.hpp, the hand-over step) and moves nothing; annotation
// and env requests stay the hook's (the runtime never sees them). docs/runtimes.md.
#include <optional>
#include <string>

#include "common/native_mode.hpp"
#include "common/oci_model.hpp"
#include "common/policy.hpp"
#include "common/state_dir.hpp"

namespace netdev {

struct NativeChoice {
    std::optional<NativeMode> cli;  // --native; else the policy's "native"
    std::string runtime_path;       // --runtime; empty: the parent process, when `detect_parent`
    bool detect_parent = true;      // false for `check`: its parent is a shell
};

// Who moves the devices of `cfg`: nullopt for the hook, else the runtime's label. Only
// linux.netDevices requests can be the runtime's. `auto` asks the runtime's `features`
// (cached in `cache`, when given; runtime_features.hpp).
std::optional<std::string> runtime_mover(const OciConfig& cfg, const NativeChoice& choice,
                                         const Policy& policy, const StateDir* cache);

}  // namespace netdev
