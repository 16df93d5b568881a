#pragma once
// The move as the hook, `check` and `move` share it: target netns, sockets, plan, act.
#include <iosfwd>
#include <vector>

#include "common/netns.hpp"
#include "common/oci_model.hpp"
#include "netdev/mover.hpp"

namespace netdev {

// The container's netns: the config's network namespace path when it has one, else that of
// state.pid. Refuses a config without a private network namespace.
Netns open_config_target(const OciConfig& cfg, const OciState& st);

// Refuses a target that is the netns we run in (KERNEL-FACTS K6: such a "move" only renames).
void refuse_own_netns(const Netns& self, const Netns& target);

// Plans (every pre-check) and moves `requests` from this process's netns into `target`.
std::vector<MovedDevice> move_devices_into(const std::vector<NetDeviceRequest>& requests,
                                           const Netns& target);

}  // namespace netdev
