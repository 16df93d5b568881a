#pragma once
// Plan first, act second: everything that can be checked without changing anything is
// checked here, so that a refusal leaves the host exactly as it was.
#include <optional>
#include <string>
#include <vector>

#include "common/oci_model.hpp"
#include "netdev/link.hpp"
#include "netdev/resolve.hpp"

namespace netdev {

struct DeviceMove {
    NetDeviceRequest request;
    LinkInfo host_link;  // as found before any change
};

struct MovePlan {
    std::vector<DeviceMove> moves;                // in config order
    std::vector<NetDeviceRequest> already_moved;  // present in the container, gone from host
};

// Names valid for the kernel, no two entries with one container name. Throws
// HookError(invalid_input) naming `source` (e.g. linux.netDevices) and the entry.
void validate_requests(const std::vector<NetDeviceRequest>& requests, const std::string& source);

// Host devices present (or already moved), distinct, and every target name (and altname) free
// in the container. Throws HookError(refused) for the first problem.
MovePlan plan_moves(const std::vector<ResolvedDevice>& devices, LinkLookup& container);
// The same, resolving each request first (tests and in-process callers).
MovePlan plan_moves(const std::vector<NetDeviceRequest>& requests, LinkLookup& host,
                    LinkLookup& container);

}  // namespace netdev
