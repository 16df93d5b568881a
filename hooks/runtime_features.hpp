#pragma once
// Which runtime is running this hook, and whether it moves linux.netDevices itself (runc >= 1.4,
// crun >= 1.22, youki >= 0.6 say `"netDevices": {"enabled": true}` under "linux" in
// `<runtime> features`). Asked once per runtime binary and cached in the state directory.
#include <sys/stat.h>

#include <optional>
#include <string>

#include "common/state_dir.hpp"

namespace netdev {

struct RuntimeBinary {
    std::string exec_path;    // what to run: /proc/PPID/exe, or a script's path
    std::string label;        // for logs and errors: the binary's or script's path
    struct stat identity {};  // dev, ino, size, mtime: the cache key
};

// The runtime that runs this hook: the parent process (runc, crun and youki run hooks as their
// children; podman, CRI-O, containerd and oci-netdev-runtime exec the runtime, so it is still
// the parent). A runtime written as a script ("#!") is that script, not its interpreter. Only
// an executable whose name contains runc, crun or youki counts: a hook run by hand, or by a
// test program, has a parent that must not be run with `features`. nullopt otherwise.
std::optional<RuntimeBinary> parent_runtime();

// True when `features` of `rt` has linux.netDevices.enabled true. A runtime that fails,
// answers no JSON or takes longer than 5 s is taken as not moving devices (runc < 1.4 has no
// such key). The answer is cached under the binary's identity in `cache`.
bool runtime_moves_net_devices(const RuntimeBinary& rt, const StateDir& cache);

// The answer of `features` JSON text; false when it does not parse or lacks the key.
bool features_say_net_devices(const std::string& features_json);

}  // namespace netdev
