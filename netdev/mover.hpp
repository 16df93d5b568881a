#pragma once
// Acting on a MovePlan: snapshot, write-ahead record, down, move, restore, up; and, on any
// failure, every device touched goes back to the host as it was (runtime-spec runtime.md
// "Errors").
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "netdev/planner.hpp"
#include "netdev/records.hpp"

namespace netdev {

class DeviceRoutes;
class Journal;

// The two ends of a move, each a netns with its own socket opened once; on the host, the
// route dumps the guardrails read, when kept (device_routes.hpp).
struct NetnsEnd {
    const Netns& netns;
    NetlinkSocket& sock;
    DeviceRoutes* routes = nullptr;
};

struct MovedDevice {
    HostState host;              // as it was on the host, addresses included
    std::string container_name;  // the kernel's pick for a %d template
    int container_index = 0;
};

// What a device is and has on the host now (addresses and routes: the carried ones).
// Changes nothing.
// `with_l3` false: its addresses only, no routes or per-device settings.
HostState snapshot_device(NetnsEnd host, const LinkInfo& link, bool with_l3 = true);

// Moves every device of `plan` from `host` into `container`, with addresses and routes; a
// route that cannot exist there is refused (HookError(refused)) first. The journal's record is
// written before the first change (a failure there changes nothing: HookError(refused)) and
// each step is recorded as it completes. On failure, returns all devices and throws:
// HookError(failed_restored) when all are back as they were, else HookError(restore_incomplete)
// naming what could not be put back (the record is then kept for poststop and `recover`).
std::vector<MovedDevice> execute_plan(const MovePlan& plan, NetnsEnd host, NetnsEnd container,
                                      Journal& journal);

// Puts a device back on the host as it was, from wherever it is now: on the host (by
// ifindex, else by identity MAC under whatever name the kernel gave it), or in `container`
// when given. Restores name, MAC, MTU, master, addresses, admin state and routes. Returns false
// when it is nowhere (a virtual device dies with its netns). Throws HookError when it
// cannot, e.g. when another device took its host name (then it is left where and as it is).
// `container_index`: its ifindex there when known (configured): found by it even when the
// workload changed its MAC.
bool bring_back(const HostState& as_was, NetnsEnd host, const NetnsEnd* container,
                int container_index = 0);

}  // namespace netdev
