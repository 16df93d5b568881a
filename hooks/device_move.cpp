#include "hooks/device_move.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "netdev/records.hpp"
#include "netdev/rtnl_directory.hpp"

namespace netdev {
namespace {

// Sorted, so two hooks never wait on each other's locks in opposite order.
std::vector<UniqueFd> lock_devices(const StateDir& dir, const std::vector<NetDeviceRequest>& reqs) {
    std::set<std::string> names;
    for (const NetDeviceRequest& r : reqs) names.insert(r.host_name);
    std::vector<UniqueFd> locks;
    for (const std::string& name : names) locks.push_back(dir.lock("dev-" + name + ".lock"));
    return locks;
}

DeviceRecord record_of(const MovedDevice& m) {
    return {m.host_link.name, m.host_link.index, m.host_link.identity(), m.host_link.up(),
            m.host_link.mtu,  m.addresses,       m.container_name,       m.container_index};
}

// Adds the moved devices to the container's record; a record left by an earlier container
// with the same id (another netns) is replaced.
void save_record(const MoveRequest& req, const std::vector<MovedDevice>& moved) {
    const std::string file = req.record_id + ".json";
    ContainerRecord rec;
    if (auto old = req.state_dir.read_file(file)) {
        rec = record_from_json(*old, req.state_dir.path() + "/" + file);
        if (!(rec.netns == req.target.id())) rec.devices.clear();
    }
    rec.id = req.record_id;
    rec.netns = req.target.id();
    rec.netns_path = req.target_path;
    for (const MovedDevice& m : moved) {
        std::erase_if(rec.devices,
                      [&](const DeviceRecord& d) { return d.host_name == m.host_link.name; });
        rec.devices.push_back(record_of(m));
    }
    req.state_dir.write_file(file, record_to_json(rec));
}

}  // namespace

Netns open_config_target(const OciConfig& cfg, const OciState& st) {
    if (!cfg.netns.private_netns)
        throw HookError(ExitCode::refused,
                        "linux.namespaces: no network namespace, the devices would stay in the "
                        "runtime's own");
    if (!cfg.netns.path.empty()) return Netns::open_path(cfg.netns.path);
    if (!st.pid) throw HookError(ExitCode::invalid_input, "state.pid: missing");
    return Netns::open_pid(static_cast<pid_t>(*st.pid));
}

void refuse_own_netns(const Netns& self, const Netns& target) {
    if (target.id() == self.id())
        throw HookError(ExitCode::refused,
                        target.label() + " is the runtime's own network namespace");
}

std::vector<MovedDevice> move_devices_into(const MoveRequest& req) {
    Netns self = Netns::current();
    refuse_own_netns(self, req.target);
    std::vector<UniqueFd> locks = lock_devices(req.state_dir, req.devices);
    NetlinkSocket host_sock = NetlinkSocket::open_in(self);
    NetlinkSocket target_sock = NetlinkSocket::open_in(req.target);
    RtnlDirectory host_dir(host_sock), target_dir(target_sock);
    MovePlan plan = plan_moves(req.devices, host_dir, target_dir);
    CommitStep commit;
    if (!req.record_id.empty() && !plan.moves.empty())
        commit = [&](const std::vector<MovedDevice>& moved) { save_record(req, moved); };
    return execute_plan(plan, {self, host_sock}, {req.target, target_sock}, commit);
}

}  // namespace netdev
