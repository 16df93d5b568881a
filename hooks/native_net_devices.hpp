#pragma once
// Runtimes that move linux.netDevices themselves (runc >= 1.4, crun >= 1.22: before
// createRuntime hooks; youki >= 0.6: after them) must not find the device gone, moved by the
// hook first. For such a runtime the hook leaves the map to it and checks the result at
// createContainer; annotation and env requests stay the hook's (the runtime never sees them).
#include <functional>
#include <string>

#include "common/netns.hpp"
#include "common/oci_model.hpp"
#include "common/state_dir.hpp"
#include "netdev/netlink_socket.hpp"

namespace netdev {

// createRuntime, run in the runtime's netns. True when the devices come from linux.netDevices
// and the runtime running the hook moves them itself (hooks/runtime_features.hpp): nothing is
// to be moved, and each device's identity is noted in `dir` for createContainer, found on the
// host (the runtime moves it later) or already in `target` (it moved it before). Throws
// HookError(refused) for a device in neither place. `authorize` runs first, once the runtime
// is known to move them: the guardrails and the policy decide all the same.
bool leave_to_runtime(const OciConfig& cfg, const OciState& st, const Netns& target,
                      const StateDir& dir, const std::function<void()>& authorize);

// poststop: the note leave_to_runtime() wrote goes, also when no createContainer hook ran.
void forget_runtime_note(const std::string& container_id, const StateDir& dir);

// createContainer, run in the container's netns. When createRuntime left the devices to the
// runtime, each one found there under its container name must carry the identity noted
// (permanent MAC, else current MAC): only then does it count as the device asked for. The note
// is removed. Throws HookError(failed_restored) naming the device and both MACs.
void verify_runtime_moved(NetlinkSocket& sock, const std::string& container_id,
                          const StateDir& dir);

}  // namespace netdev
