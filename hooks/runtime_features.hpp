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
// the parent). Only an executable whose name contains runc, crun or youki counts: a hook run by
// hand, or by a test program, has a parent that must not be run with `features`.
std::optional<RuntimeBinary> parent_runtime();

// The runtime process `proc_dir` (/proc/PID) runs, found in this order (docs/runtimes.md):
// 1. its exe link, when that names a runtime;
// 2. else, when the exe link reads "/" or cannot be read, argv[0] of its cmdline: crun 1.27
//    runs from a detached mount of its own binary, so its exe reads "/"; argv[0] is the path it
//    was started by. The exe link still executes that binary, so it is what is asked; only when
//    it cannot be used is argv[0] resolved (against the process's cwd when it has a '/', else
//    through `path_env`, a PATH value: the process's own from its environ when nullopt);
// 3. else a runtime written as a script ("#!"): argv[1], the script (binfmt_script runs
//    INTERPRETER SCRIPT ARGS), not its interpreter.
// nullopt when none is a runtime-named executable, or the process cannot be read.
std::optional<RuntimeBinary> runtime_of_process(const std::string& proc_dir,
                                                const std::optional<std::string>& path_env);

// An explicitly named runtime binary (`--runtime PATH`, for `check` and the hook), or nullopt
// when it is not an executable file.
std::optional<RuntimeBinary> runtime_at(const std::string& path);

// True when `features` of `rt` has linux.netDevices.enabled true. A runtime that fails,
// answers no JSON or takes longer than 5 s is taken as not moving devices (runc < 1.4 has no
// such key). The answer is cached under the binary's identity in `cache`.
bool runtime_moves_net_devices(const RuntimeBinary& rt, const StateDir& cache);
// The same, asked now, without a cache (`check`, which may have no state dir of its own).
bool runtime_moves_net_devices(const RuntimeBinary& rt);

// The answer of `features` JSON text; false when it does not parse or lacks the key.
bool features_say_net_devices(const std::string& features_json);

}  // namespace netdev
