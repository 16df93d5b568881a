// `move`: the hook's move without a runtime, for scripts and tests.
#include <iostream>

#include "common/audit.hpp"
#include "common/error.hpp"
#include "hooks/device_move.hpp"
#include "hooks/run_hook.hpp"

namespace netdev {

void run_move(const CliOptions& options) {
    DeviceRequestSet request = request_from_command_line(options.devices);
    set_audit_context({"", "", "", source_name(request.source)});
    Policy policy = load_policy(options.policy_path);
    check_request(request, policy);
    Netns target =
        options.pid ? Netns::open_pid(*options.pid) : Netns::open_path(options.netns_path);
    StateDir dir(options.state_dir);
    // Recorded like a container's (named after the target netns): `status` shows it and
    // `recover` gives it back.
    PipelineResult r = run_pipeline({.mode = PipelineMode::act,
                                     .request = request,
                                     .policy = policy,
                                     .target = &target,
                                     .state_dir = &dir,
                                     .record = {"", "", options.netns_path, false},
                                     .sysfs_root = options.sysfs_root});
    for (const MovedDevice& d : r.moved)
        std::cout << d.host.name << " -> " << d.container_name << " (" << d.host.addresses.size()
                  << " address(es))\n";
}

}  // namespace netdev
