#include "hooks/run_hook.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <ostream>

#include "common/audit.hpp"
#include "common/error.hpp"
#include "common/escape.hpp"
#include "common/interrupts.hpp"
#include "common/json_stream.hpp"
#include "common/netns.hpp"
#include "common/oci_model.hpp"
#include "common/proc_sys.hpp"
#include "common/read_file.hpp"
#include "common/target_hold.hpp"
#include "hooks/container_check.hpp"
#include "hooks/device_move.hpp"
#include "hooks/device_whereabouts.hpp"
#include "hooks/native_net_devices.hpp"
#include "hooks/poststop.hpp"
#include "netdev/journal.hpp"

namespace netdev {

// runc says "creating" at createRuntime, crun "created", youki >= 0.6 "creating" and youki
// <= 0.5.7 "created", each with the init's host pid (docs/runtimes.md). In createContainer the hook
// runs in the container's pid namespace, where state.pid is 1 (runc) or 0 (crun), or absent
// (youki). Poststop is "stopped", youki's with a stale pid.
Stage stage_from_state(const OciState& st) {
    if (st.status == "creating" || st.status == "created")
        return st.pid.value_or(0) > 1 ? Stage::create_runtime : Stage::create_container;
    if (st.status == "stopped") return Stage::poststop;
    throw HookError(ExitCode::invalid_input,
                    "state.status: \"" + st.status +
                        "\" does not tell the stage; pass it as an argument (createRuntime)");
}

namespace {

// --restore, or the annotation oci-netdev-hook.restore=true.
bool restore_on(const CliOptions& options, const Annotations& annotations) {
    auto ann = annotations.find(kRestoreAnnotation);
    return options.restore || (ann != annotations.end() && ann->second == "true");
}

}  // namespace

void run_hook(const CliOptions& options, int state_fd) {
    // A state that never ends is bounded by the run's deadline (main armed it), at most 5 s;
    // at least 1 s, so a state already written is read, and a deadline that passed meanwhile
    // is reported as such by the pipeline.
    auto left =
        std::chrono::milliseconds(static_cast<long long>(seconds_left().value_or(1e6) * 1000));
    auto stdin_limit = std::clamp(left, std::chrono::milliseconds(1000), kDefaultReadTimeout);
    OciState st = parse_state(
        read_json_value_bounded(state_fd, kMaxStateBytes, "state on stdin", stdin_limit));
    Stage stage = options.stage == Stage::from_state ? stage_from_state(st) : options.stage;
    set_log_context(st.id, stage_name(stage));
    NETDEV_LOG(debug) << "container " << st.id << ", status " << st.status << ", stage "
                      << stage_name(stage);
    KubePod pod = kube_pod_of({}, st.annotations);
    set_audit_context({st.id, pod.namespace_name, pod.pod_name, "record"});
    if (stage == Stage::poststop) {
        run_poststop(st, restore_on(options, st.annotations), StateDir(options.state_dir));
        return;
    }

    OciConfig cfg = parse_config(read_file_bounded(st.bundle + "/config.json", kMaxConfigBytes),
                                 st.annotations);
    if (cfg.devices.empty()) {
        NETDEV_LOG(debug) << "no network devices requested";
        return;
    }
    if (stage == Stage::create_container) {
        validate_requests(cfg.devices, cfg.devices_source);
        // createContainer runs in the container's namespaces (runtime-spec config.md).
        NetlinkSocket sock =
            NetlinkSocket::open_in(Netns::open_path("/proc/self/ns/net", "container netns"));
        check_in_container(sock, st, cfg, StateDir(options.state_dir));
        return;
    }
    DeviceRequestSet request = request_for_container(cfg, st);
    set_audit_context(
        {st.id, request.pod.namespace_name, request.pod.pod_name, source_name(request.source)});
    Policy policy = load_policy(options.policy_path);
    check_request(request, policy);
    validate_container_id(st.id);  // names its record file
    // A netns given by pid dies with its process: held by a pidfd, checked before the commit.
    std::optional<TargetHold> hold;
    if (cfg.netns.private_netns && cfg.netns.path.empty() && st.pid)
        hold.emplace(static_cast<pid_t>(*st.pid));
    Netns target = open_config_target(cfg, st);
    StateDir dir(options.state_dir);
    std::optional<std::string> runtime =
        runtime_mover(cfg, {options.native, options.runtime_path, true}, policy, &dir);
    run_pipeline(
        {.mode = PipelineMode::act,
         .request = request,
         .policy = policy,
         .target = &target,
         .state_dir = &dir,
         // With restore on, the netns is pinned so that a veth in it outlives the
         // container.
         .record = {st.id, st.bundle, cfg.netns.path,
                    restore_on(options, st.annotations) || restore_on(options, cfg.annotations)},
         .moved_by = runtime.value_or(""),
         .sysfs_root = options.sysfs_root});
}

void run_status(const CliOptions& options, std::ostream& out) {
    StateDir dir(options.state_dir);
    const std::string& id = options.container_id;
    if (!id.empty()) validate_container_id(id);
    bool any = false;
    // Settings equal to this netns's defaults are what the device gets back anyway; one this
    // kernel has no file for (reported as 0 without its config option) is not shown either.
    // Read where status runs, without entering a netns (no CAP_SYS_ADMIN needed).
    std::map<std::string, std::optional<std::string>> defaults;
    SettingFilter changed = [&](const DeviceSetting& s) {
        DeviceSysctl key{s.family, "default", s.name};
        auto [it, fresh] = defaults.try_emplace(key.path());
        if (fresh) it->second = read_device_sysctl_here(key);
        return it->second && *it->second != s.value;
    };
    for (const std::string& f : dir.list(kRecordSuffix)) {
        if (!id.empty() && !record_file_may_be_of(f, id)) continue;
        std::optional<ContainerRecord> rec = read_record(dir, f);
        if (!rec || (!id.empty() && rec->id != id)) continue;
        // names from the annotation
        out << escape_control_in_lines(describe_record(*rec, changed));
        out << escape_control_in_lines(describe_whereabouts(*rec, dir));  // once its netns is gone
        any = true;
    }
    if (!id.empty() && !any) throw HookError(ExitCode::invalid_input, "no record for " + id);
    if (!any) out << "no devices recorded in " << dir.path() << "\n";
}

}  // namespace netdev
