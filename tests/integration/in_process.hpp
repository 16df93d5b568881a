#pragma once
// The hook's move run inside this test process (in the world's host netns), so a test can
// change the world between plan and act, or hand the mover sockets with injected faults.
#include <functional>
#include <optional>

#include "common/error.hpp"
#include "netdev/mover.hpp"
#include "netdev/rtnl_directory.hpp"
#include "tests/integration/world.hpp"

namespace netdev::test {

using SocketFactory = std::function<NetlinkSocket(const Netns&)>;

// nullopt on success, else the error execute_plan (or the planner) threw.
inline std::optional<HookError> move_in_process(
    const World& w, const std::vector<NetDeviceRequest>& reqs,
    const std::function<void()>& between = {},
    const SocketFactory& open = [](const Netns& ns) { return NetlinkSocket::open_in(ns); }) {
    NetnsGuard in_host(w.host.netns());
    Netns self = Netns::current();
    Netns target = Netns::open_path("/proc/" + std::to_string(w.init.pid()) + "/ns/net");
    try {
        NetlinkSocket host_sock = open(self);
        NetlinkSocket target_sock = open(target);
        RtnlDirectory host_dir(host_sock), target_dir(target_sock);
        MovePlan plan = plan_moves(reqs, host_dir, target_dir);
        if (between) between();
        execute_plan(plan, {self, host_sock}, {target, target_sock});
    } catch (const HookError& e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace netdev::test
