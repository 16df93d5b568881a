#pragma once
// The move as the hook, `check` and `move` share it: target netns, locks, sockets, plan, act,
// record.
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "common/oci_model.hpp"
#include "common/state_dir.hpp"
#include "netdev/mover.hpp"

namespace netdev {

// The container's netns: the config's network namespace path when it has one, else that of
// state.pid. Refuses a config without a private network namespace.
Netns open_config_target(const OciConfig& cfg, const OciState& st);

// Refuses a target that is the netns we run in (KERNEL-FACTS K6: such a "move" only renames).
void refuse_own_netns(const Netns& self, const Netns& target);

struct MoveRequest {
    const std::vector<NetDeviceRequest>& devices;
    const Netns& target;
    const StateDir& state_dir;  // locks, records
    std::string record_id;      // container id to record under; empty: no record
    std::string target_path;    // the config's netns path, kept in the record
    std::string bundle;         // with record_id, names the record (record_file_name)
    bool pin = false;           // keep the target netns alive until poststop (restore on)
};

// Locks the host devices (one lock each, so two hooks wanting one device serialise and the
// loser finds it gone instead of disturbing it), plans (every pre-check) and moves them from
// this process's netns into the target; the write-ahead record is written before the first
// change and completed step by step (journal.hpp).
std::vector<MovedDevice> move_devices_into(const MoveRequest& req);

}  // namespace netdev
