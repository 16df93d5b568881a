#pragma once
// Acting on a MovePlan: snapshot, down, move, restore, up; and, on any failure, every device
// touched goes back to the host as it was (runtime-spec runtime.md "Errors").
#include <functional>
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
    LinkInfo host_link;          // as it was on the host
    std::string container_name;  // the kernel's pick for a %d template
    int container_index = 0;
    std::vector<AddressRecord> addresses;  // what was carried over
};

// Called once every device is in place; if it throws, they all go back like on any failure.
using CommitStep = std::function<void(const std::vector<MovedDevice>&)>;

// Moves every device of `plan` from `host` into `container`, then runs `commit`. On failure,
// returns all of them and throws: HookError(failed_restored) when all are back as they were,
// else HookError(restore_incomplete) naming what could not be put back.
std::vector<MovedDevice> execute_plan(const MovePlan& plan, NetnsEnd host, NetnsEnd container,
                                      const CommitStep& commit = {});

// Where to look for a device that is to go home.
struct SearchScope {
    const NetnsEnd* container = nullptr;  // a live container netns, if any
    bool scan_host = false;  // also match every host link by identity MAC (poststop: the
                             // kernel brings physical devices back under other names/indexes)
};

// Puts a device back on the host: wherever it is now, under its original name, with
// `addresses` and its original admin state and MTU. Returns false when it is nowhere (a
// virtual device dies with its netns). Throws HookError when it cannot, e.g. when another
// device took its host name meanwhile (then it is left where and as it is).
bool return_home(const LinkInfo& original, const std::vector<AddressRecord>& addresses,
                 NetnsEnd host, SearchScope scope);

}  // namespace netdev
