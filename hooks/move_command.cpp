// `move`: the hook's move without a runtime, for scripts and tests.
#include <iostream>

#include "common/audit.hpp"
#include "common/error.hpp"
#include "hooks/device_move.hpp"
#include "hooks/run_hook.hpp"

namespace netdev {

void run_move(const CliOptions& options) {
    std::vector<NetDeviceRequest> requests;
    for (const std::string& word : options.devices) {
        std::vector<NetDeviceRequest> one = parse_device_words(word);
        if (one.size() != 1)
            throw HookError(ExitCode::invalid_input,
                            "device \"" + word + "\": expected HOSTDEV[=NAME]");
        requests.push_back(std::move(one.front()));
    }
    DeviceRequestSet request{
        RequestSource::command_line, "command line", std::move(requests), {}, true};
    set_audit_context({"", "", "", source_name(request.source)});
    Policy policy = load_policy(options.policy_path);
    Netns target =
        options.pid ? Netns::open_pid(*options.pid) : Netns::open_path(options.netns_path);
    StateDir dir(options.state_dir);
    for (const MovedDevice& d :
         run_pipeline({request, policy, &target, &dir, "", "", options.sysfs_root, "", false})
             .moved)
        std::cout << d.host.name << " -> " << d.container_name << " (" << d.host.addresses.size()
                  << " address(es))\n";
}

}  // namespace netdev
