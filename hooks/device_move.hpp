#pragma once
// The pipeline the hook's createRuntime, `check` and `move` share (docs/design.md "Where this
// project is going"), one step per arrow:
//   request -> resolve -> lock -> authorize -> plan -> act -> commit
// request: DeviceRequestSet; resolve: netdev/resolve.hpp; lock: device_locks.hpp;
// authorize: authorize.hpp (guardrails, policy); plan: netdev/planner.hpp;
// act: netdev/mover.hpp execute_plan (called here only), journaled in the container's
// write-ahead record (netdev/journal.hpp) from before the first change to the commit.
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/netns.hpp"
#include "common/oci_model.hpp"
#include "common/policy.hpp"
#include "common/state_dir.hpp"
#include "hooks/authorize.hpp"
#include "netdev/mover.hpp"
#include "netdev/selector.hpp"

namespace netdev {

// The container's netns: the config's network namespace path when it has one, else that of
// state.pid. Refuses a config without a private network namespace.
Netns open_config_target(const OciConfig& cfg, const OciState& st);

// Refuses a target that is the netns we run in (docs/kernel-facts.md K6: such a "move" only renames).
void refuse_own_netns(const Netns& self, const Netns& target);

// Request: what was asked, by whom.
struct DeviceRequestSet {
    RequestSource source = RequestSource::none;
    std::string source_label;  // the field path, for messages: linux.netDevices, ...
    std::vector<NetDeviceRequest> devices;
    KubePod pod;
    bool carry_l3 = true;  // routes and per-device settings travel (kCarryAnnotation)
};
DeviceRequestSet request_from_config(const OciConfig& cfg, const OciState& st);
// The request's own checks: the per-container limit (before any lock or fd), then the names.
// run_pipeline starts with it; callers may run it earlier, before opening the target.
void validate_request(const DeviceRequestSet& request, const Policy& policy);

struct PipelineRun {
    const DeviceRequestSet& request;
    const Policy& policy;
    const Netns* target = nullptr;  // nullptr: not known (check without state): names unchecked
    const StateDir* state_dir = nullptr;  // nullptr: dry run, no locks, nothing changed
    std::string record_id;                // container id to record under; empty: no record
    std::string target_path;              // the config's netns path, kept in the record
    std::string sysfs_root = kSysfsRoot;  // where selectors read sysfs (--sysfs-root: tests)
    std::string bundle;                   // with record_id, names the record (record_file_name)
    bool pin = false;                     // keep the target netns alive until poststop (restore on)
};

struct PipelineResult {
    std::vector<Decision> decisions;
    std::optional<HookError> refusal;  // dry run only: the error the hook would throw
    MovePlan plan;
    std::string container_label;
    std::vector<MovedDevice> moved;
    // hand_over_to_runtime: per device, where the hook found it ("on the host: RUNTIME moves
    // it after createRuntime", "moved by RUNTIME as NAME").
    std::vector<std::string> handed_over;
};

// Runs every step. With a state_dir: acts and returns what moved; a refusal is audited and
// thrown. Without: stops after plan and returns decisions and plan (or the refusal).
PipelineResult run_pipeline(const PipelineRun& run);

// The same steps for a runtime that moves linux.netDevices itself (native_net_devices.hpp),
// `runtime` naming it: request, resolve, lock and authorize as above (the guardrails and the
// policy decide for every device still on the host: youki moves after this hook, runc and
// crun before it), then instead of acting, each device is checked where the runtime put it
// (present under its name, up, not the container's own uplink as CNI's interface is) and the
// record is written marked "moved by" it, so that `status` shows it and poststop or
// `recover` give it back when restore is asked. Moves nothing. A dry run checks and returns.
PipelineResult hand_over_to_runtime(const PipelineRun& run, const std::string& runtime);

}  // namespace netdev
