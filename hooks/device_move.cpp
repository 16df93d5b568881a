#include "hooks/device_move.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "hooks/give_back.hpp"
#include "netdev/journal.hpp"
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

// The write-ahead record of this run, after settling what an earlier run left; the target
// netns pinned in the state dir when restore is on.
std::optional<Journal> open_journal(const MoveRequest& req) {
    if (req.record_id.empty()) return std::nullopt;
    ContainerRecord header;
    header.id = req.record_id;
    header.bundle = req.bundle;
    header.netns = req.target.id();
    header.netns_path = req.target_path;
    std::optional<Journal> j;
    j.emplace(req.state_dir, std::move(header), req.pin ? &req.target : nullptr);
    settle_earlier_run(*j, req.target, req.state_dir);
    return j;
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
    std::optional<Journal> journal = open_journal(req);
    MovedEvidence evidence;
    if (journal)
        evidence = [&](const NetDeviceRequest& r, const LinkInfo& l) {
            return journal->moved_here(r, l);
        };
    MovePlan plan = plan_moves(req.devices, host_dir, target_dir, evidence);
    if (plan.moves.empty()) return {};
    return execute_plan(plan, {self, host_sock}, {req.target, target_sock},
                        journal ? &*journal : nullptr);
}

}  // namespace netdev
