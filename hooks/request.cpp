#include "hooks/request.hpp"

#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "common/ifname.hpp"
#include "netdev/guardrails.hpp"
#include "netdev/planner.hpp"

namespace netdev {

void check_request(const DeviceRequestSet& request, const Policy& policy) {
    check_device_limit(request.devices.size(), policy.max_devices, request.source_label);
    if (request.source == RequestSource::config)
        for (const NetDeviceRequest& r : request.devices)
            if (is_selector(r.host_name))
                throw HookError(ExitCode::invalid_input,
                                request.source_label + "[\"" + r.host_name + "\"]: host name \"" +
                                    r.host_name +
                                    "\" contains ':' (linux.netDevices keys are names, native "
                                    "runtimes read them too; selectors such as pci:... go in the "
                                    "annotation or the env)");
    validate_requests(request.devices, request.source_label);
}

DeviceRequestSet request_for_container(const OciConfig& cfg, const OciState& st) {
    return {cfg.source, cfg.devices_source, cfg.devices,
            kube_pod_of(cfg.annotations, st.annotations),
            carry_l3_asked(cfg.annotations, st.annotations)};
}

DeviceRequestSet request_from_command_line(const std::vector<std::string>& words) {
    std::vector<NetDeviceRequest> requests;
    for (const std::string& word : words) {
        std::vector<NetDeviceRequest> one = parse_device_words(word);
        if (one.size() != 1)
            throw HookError(ExitCode::invalid_input,
                            "device \"" + word + "\": expected HOSTDEV[=NAME]");
        requests.push_back(std::move(one.front()));
    }
    return {RequestSource::command_line, "command line", std::move(requests), {}, true};
}

}  // namespace netdev
