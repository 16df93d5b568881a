#pragma once
// The pipeline every entry point shares (docs/design.md), one step per arrow:
//   request -> resolve -> lock -> authorize -> plan -> journal -> act -> commit
// request: hooks/request.hpp; resolve: netdev/resolve.hpp; lock: device_locks.hpp;
// authorize: authorize.hpp (guardrails, policy); plan: netdev/planner.hpp; journal:
// netdev/journal.hpp (the write-ahead record, before the first change); act: netdev/mover.hpp
// execute_plan, or, for a runtime that moves linux.netDevices itself, the hand-over (check
// where it put each device, record it). Give-back (give_back.hpp) undoes what a record says.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/netns.hpp"
#include "common/oci_model.hpp"
#include "common/policy.hpp"
#include "common/state_dir.hpp"
#include "hooks/authorize.hpp"
#include "hooks/request.hpp"
#include "netdev/mover.hpp"
#include "netdev/selector.hpp"

namespace netdev {

// The container's netns: the config's network namespace path when it has one, else that of
// state.pid. Refuses a config without a private network namespace.
Netns open_config_target(const OciConfig& cfg, const OciState& st);

// Refuses a target that is the netns we run in (K6: such a "move" only renames).
void refuse_own_netns(const Netns& self, const Netns& target);

// dry_run: every check, no lock, no record, no change (`check`); act: the hook, `move`.
enum class PipelineMode { dry_run, act };

// The write-ahead record a run keeps (act mode): for container `id` with `bundle`.
struct RecordName {
    RecordName() = default;
    RecordName(std::string id, std::string bundle, std::string netns_path, bool pin)
        : id(std::move(id)),
          bundle(std::move(bundle)),
          netns_path(std::move(netns_path)),
          pin(pin) {}
    std::string id;
    std::string bundle;
    std::string netns_path;  // the config's netns path, kept in the record
    bool pin = false;        // keep the target netns alive until poststop (restore on)
};

struct PipelineRun {
    PipelineMode mode;
    const DeviceRequestSet& request;
    const Policy& policy;
    const Netns* target = nullptr;        // nullptr: unknown (dry run only): names unchecked
    const StateDir* state_dir = nullptr;  // act: records and locks
    RecordName record{};                  // act
    // Empty: the hook moves the devices. Else the runtime that moves them itself
    // (native_net_devices.hpp), which the hand-over names.
    std::string moved_by{};
    std::string sysfs_root = kSysfsRoot;  // where selectors read sysfs (--sysfs-root: tests)
    SocketFactory open_socket = kernel_socket;
    // Tests: change the world between plan and act. The asked devices' routes were read by
    // the guardrails already (netdev/device_routes.hpp): a route added here is not carried.
    std::function<void()> before_act{};
};

struct PipelineResult {
    std::vector<Decision> decisions;
    std::optional<HookError> refusal;  // dry run only: the error the hook would throw
    MovePlan plan;
    std::string container_label;
    std::vector<MovedDevice> moved;
    // The hand-over: per device, where the hook found it ("on the host now; RUNTIME moves it
    // itself", "moved by RUNTIME as NAME").
    std::vector<std::string> handed_over;
};

// Runs every step. act: acts and returns what moved (or was handed over); a refusal is
// audited and thrown. dry_run: stops before the journal and returns decisions and plan (or
// the refusal). The hand-over checks each device where the runtime put it (present under its
// name, up, not the container's own uplink as CNI's interface is) and records it "moved by"
// that runtime, so that `status` shows it and poststop or `recover` give it back.
PipelineResult run_pipeline(const PipelineRun& run);

}  // namespace netdev
