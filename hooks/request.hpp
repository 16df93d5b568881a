#pragma once
// Request, the pipeline's first step (docs/design.md): what was asked, by which source, for
// which container, built and checked once for every entry point (createRuntime, `check`,
// `move`, the hand-over to a runtime that moves devices itself). Where a container's request
// comes from is decided in one place, common/request_source.hpp, which the runtime wrapper
// asks too.
#include <string>
#include <vector>

#include "common/oci_model.hpp"
#include "common/policy.hpp"

namespace netdev {

struct DeviceRequestSet {
    RequestSource source = RequestSource::none;
    std::string source_label;  // the field path, for messages: linux.netDevices, ...
    std::vector<NetDeviceRequest> devices;
    KubePod pod;
    bool carry_l3 = true;  // routes and per-device settings travel (kCarryAnnotation)
};

// The container's request (config.json's, else the annotations', else the env's). Throws
// HookError naming the field and the value (a bad kCarryAnnotation).
DeviceRequestSet request_for_container(const OciConfig& cfg, const OciState& st);

// `move HOSTDEV[=NAME]...`.
DeviceRequestSet request_from_command_line(const std::vector<std::string>& words);

// The request's own checks, once per run, before the pipeline and before any lock or fd:
// the per-container limit of `policy` (1100 names must not exhaust the hook's descriptors),
// then the names. Every entry point calls it once; run_pipeline trusts what it passed.
void check_request(const DeviceRequestSet& request, const Policy& policy);

}  // namespace netdev
