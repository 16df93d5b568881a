#pragma once
// createContainer: the hook runs inside the container's namespaces (runtime-spec config.md,
// "createContainer Hooks"), where it moves nothing; it checks the result, by identity.
#include "common/oci_model.hpp"
#include "common/state_dir.hpp"
#include "netdev/netlink_socket.hpp"

namespace netdev {

// Every device of `cfg` is in this netns and up. One the record of `st` holds (moved by the
// hook, or by a runtime that moves devices itself) must be the device recorded: found at its
// recorded ifindex or under its name, with the identity recorded (permanent MAC, else MAC). One
// a runtime moved after createRuntime (youki) is marked configured in the record. A device with
// no record is checked by name. Throws HookError(failed_restored) naming the device (and both
// MACs when it is another one).
void check_in_container(NetlinkSocket& sock, const OciState& st, const OciConfig& cfg,
                        const StateDir& dir);

}  // namespace netdev
