#pragma once
// Acting on a MovePlan: snapshot, down, move, restore, up; and, on any failure, every device
// touched goes back to the host as it was (runtime-spec runtime.md "Errors").
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "netdev/address.hpp"
#include "netdev/planner.hpp"

namespace netdev {

// The two ends of a move, each a netns with its own socket opened once.
struct NetnsEnd {
    const Netns& netns;
    NetlinkSocket& sock;
};

struct MovedDevice {
    std::string host_name;
    std::string container_name;  // the kernel's pick for a %d template
    int container_index = 0;
    std::vector<AddressRecord> addresses;  // what was carried over
};

// Moves every device of `plan` from `host` into `container`. On failure, returns all of them
// and throws: HookError(failed_restored) when all are back as they were, else
// HookError(restore_incomplete) naming what could not be put back.
std::vector<MovedDevice> execute_plan(const MovePlan& plan, NetnsEnd host, NetnsEnd container);

}  // namespace netdev
