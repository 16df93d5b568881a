#pragma once
// Plan first, act second: everything that can be checked without changing anything is
// checked here, so that a refusal leaves the host exactly as it was.
#include <functional>
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
    // Routes and per-device settings travel too (the container's kCarryAnnotation and the
    // policy's "carry"); they are recorded and put back on the host either way.
    bool carry_l3 = true;
};

// Names valid for the kernel, no two entries with one container name. Throws
// HookError(invalid_input) naming `source` (e.g. linux.netDevices) and the entry.
void validate_requests(const std::vector<NetDeviceRequest>& requests, const std::string& source);

// Whether the device the container has under a request's name is the one asked for, moved
// there by an earlier run of this hook (its record says so, identity MAC matching).
using MovedEvidence = std::function<bool(const NetDeviceRequest&, const LinkInfo& in_container)>;

// Host devices present (or already moved, with evidence), distinct, and every target name
// (and altname) free in the container. Throws HookError(refused) for the first problem.
MovePlan plan_moves(const std::vector<ResolvedDevice>& devices, LinkLookup& container,
                    const MovedEvidence& moved_here = {});
// The same, resolving each request first (tests and in-process callers).
MovePlan plan_moves(const std::vector<NetDeviceRequest>& requests, LinkLookup& host,
                    LinkLookup& container, const MovedEvidence& moved_here = {});

}  // namespace netdev
