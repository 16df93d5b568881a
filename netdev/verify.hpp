#pragma once
// createContainer: the hook runs inside the container's namespaces (runtime-spec config.md,
// "createContainer Hooks"), where it must not move anything; it checks the result instead.
#include <vector>

#include "common/oci_model.hpp"
#include "netdev/netlink_socket.hpp"

namespace netdev {

// Every requested device is present under its container name and up. Templates cannot be
// checked by name and are skipped. Throws HookError(failed_restored) for the first one that is
// not; nothing is changed.
void verify_devices_present(NetlinkSocket& sock, const std::vector<NetDeviceRequest>& requests);

}  // namespace netdev
