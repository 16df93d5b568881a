#include "hooks/device_move.hpp"

#include "common/error.hpp"
#include "netdev/rtnl_directory.hpp"

namespace netdev {

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

std::vector<MovedDevice> move_devices_into(const std::vector<NetDeviceRequest>& requests,
                                           const Netns& target) {
    Netns self = Netns::current();
    refuse_own_netns(self, target);
    NetlinkSocket host_sock = NetlinkSocket::open_in(self);
    NetlinkSocket target_sock = NetlinkSocket::open_in(target);
    RtnlDirectory host_dir(host_sock), target_dir(target_sock);
    MovePlan plan = plan_moves(requests, host_dir, target_dir);
    return execute_plan(plan, {self, host_sock}, {target, target_sock});
}

}  // namespace netdev
