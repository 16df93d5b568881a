#include "hooks/device_move.hpp"

#include <algorithm>

#include "common/audit.hpp"
#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"
#include "hooks/device_locks.hpp"
#include "hooks/give_back.hpp"
#include "netdev/default_routes.hpp"
#include "netdev/journal.hpp"
#include "netdev/rtnl_directory.hpp"

namespace netdev {
namespace {

// A container netns we cannot see (check without a netns path or a state with a pid): every
// name looks free, and `check` says the name checks were skipped.
class UnknownNetns final : public LinkLookup {
  public:
    std::optional<LinkInfo> find(const std::string&) override { return std::nullopt; }
    const std::string& netns_label() const override { return label_; }

  private:
    std::string label_ = "the container netns (unknown)";
};

// The write-ahead record of this run, after settling what an earlier run for the same
// container left (give_back.hpp); with run.pin, begin() pins the target netns.
// `moved_by`: the runtime that moves the devices itself (hand_over_to_runtime).
std::optional<Journal> open_journal(const PipelineRun& run, const std::string& moved_by = {}) {
    if (run.record_id.empty()) return std::nullopt;
    ContainerRecord header;
    header.id = run.record_id;
    header.bundle = run.bundle;
    header.netns = run.target->id();
    header.netns_path = run.target_path;
    header.moved_by = moved_by;
    std::optional<Journal> j;
    j.emplace(*run.state_dir, std::move(header), run.pin ? run.target : nullptr);
    settle_earlier_run(*j, *run.target, *run.state_dir);
    return j;
}

std::optional<HookError> first_refusal(const std::vector<Decision>& decisions) {
    for (const Decision& d : decisions)
        if (!d.allowed) return HookError(ExitCode::refused, d.message);
    return std::nullopt;
}

// Every refusal is audited, not only the first one reported.
void audit_decisions(const std::vector<Decision>& decisions) {
    for (const Decision& d : decisions) {
        if (!d.allowed) audit(d.device, "refused", d.rule);
        for (const GuardReason& g : d.lifted)
            audit(
                d.device, "lifted",
                std::string("guardrail ") + guard_name(g.guard) + " (" + g.why + ") by " + d.rule);
    }
}

// The two netns the pipeline looks into, each with one socket opened once.
class Ends {
  public:
    // The host's directory resolves selectors, reading sysfs under `sysfs_root`.
    Ends(const Netns* target, const std::string& sysfs_root)
        : host_sock(NetlinkSocket::open_in(self)), host_dir(host_sock, sysfs_root) {
        if (!target) return;
        refuse_own_netns(self, *target);
        target_sock.emplace(NetlinkSocket::open_in(*target));
        target_dir.emplace(*target_sock);
    }
    LinkLookup& container() { return target_dir ? static_cast<LinkLookup&>(*target_dir) : unknown; }

    Netns self = Netns::current();
    NetlinkSocket host_sock;
    RtnlDirectory host_dir;
    std::optional<NetlinkSocket> target_sock;

  private:
    std::optional<RtnlDirectory> target_dir;
    UnknownNetns unknown;
};

const Decision* decision_for(const std::vector<Decision>& decisions, const std::string& device) {
    for (const Decision& d : decisions)
        if (d.device == device) return &d;
    return nullptr;
}

// Act: the one call into the mover; the failure of a move is audited for every device.
std::vector<MovedDevice> act(Journal* journal, const MovePlan& plan, NetnsEnd host,
                             NetnsEnd container, const std::vector<Decision>& decisions) {
    if (plan.moves.empty()) return {};
    try {
        std::vector<MovedDevice> moved = execute_plan(plan, host, container, journal);
        for (const MovedDevice& m : moved) {
            const Decision* d = decision_for(decisions, m.host.name);
            audit(m.host.name, "moved",
                  (d ? d->rule : std::string("?")) + ", as " + m.container_name);
        }
        return moved;
    } catch (const HookError& e) {
        for (const DeviceMove& m : plan.moves) audit(m.host_link.name, "failed", e.what());
        throw;
    }
}

// A device the runtime moved, as found in the container: it must be there under its name and
// up (runtime-spec "Network Devices"), and not be the container's own uplink (CNI's interface
// holds the default route; the runtime's devices come without routes).
LinkInfo check_runtime_moved(const NetDeviceRequest& r, NetlinkSocket& ctr, const Netns& target,
                             const std::string& runtime) {
    if (is_name_template(r.container_name))
        throw HookError(ExitCode::invalid_input,
                        r.host_name + ": name \"" + r.container_name + "\" is a template; " +
                            runtime + " looks it up literally after its move and fails");
    std::optional<LinkInfo> link = find_link_by_name(ctr, r.container_name);
    if (!link)
        throw HookError(ExitCode::refused, r.host_name + ": neither on the host nor as " +
                                               r.container_name + " in " + target.label() +
                                               " (left to " + runtime + ")");
    if (!link->up())
        throw HookError(ExitCode::refused, r.host_name + ": " + link->name + " in " +
                                               target.label() + " is down; " + runtime +
                                               " must set it up");
    if (default_route_devices(ctr).count(link->index))
        throw HookError(ExitCode::refused,
                        r.host_name + ": " + link->name + " in " + target.label() +
                            " holds the container's default route, as its own (CNI) interface "
                            "does: not a device " +
                            runtime + " moved");
    return *link;
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

DeviceRequestSet request_from_config(const OciConfig& cfg, const OciState& st) {
    return {cfg.source, cfg.devices_source, cfg.devices,
            kube_pod_of(cfg.annotations, st.annotations),
            carry_l3_asked(cfg.annotations, st.annotations)};
}

void validate_request(const DeviceRequestSet& request, const Policy& policy) {
    // Before any socket, lock or fd: 1100 names must not exhaust the hook's descriptors.
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

PipelineResult run_pipeline(const PipelineRun& run) {
    const DeviceRequestSet& req = run.request;
    const bool dry_run = run.state_dir == nullptr;
    validate_request(req, run.policy);
    Ends ends(run.target, run.sysfs_root);
    LinkLookup& container = ends.container();

    // Before resolving: a killed earlier run's devices are back on the host first.
    std::optional<Journal> journal = dry_run ? std::nullopt : open_journal(run);

    // Resolve and lock (a dry run takes no locks: it must not wait for or delay a hook).
    LockedDevices locked;
    if (dry_run)
        locked.devices = resolve_all(req.devices, ends.host_dir, container);
    else
        locked = lock_devices(*run.state_dir, req.devices, ends.host_dir, container);

    PipelineResult result;
    result.container_label = container.netns_label();
    GuardedSet guards = host_guarded_set(ends.host_sock, locked.devices);  // once per run
    result.decisions =
        authorize(locked.devices, guards, run.policy, {req.source, req.pod.namespace_name});
    if (!dry_run) audit_decisions(result.decisions);
    std::optional<HookError> refusal = first_refusal(result.decisions);
    if (!refusal) {
        MovedEvidence evidence;
        if (journal)
            evidence = [&](const NetDeviceRequest& r, const LinkInfo& l) {
                return journal->moved_here(r, l);
            };
        try {
            result.plan = plan_moves(locked.devices, container, evidence);
            result.plan.carry_l3 = req.carry_l3 && run.policy.carry_l3;
        } catch (const HookError& e) {
            refusal = e;
            if (!dry_run) audit("-", "refused", std::string("plan: ") + e.what());
        }
    }
    if (refusal && !dry_run) throw *refusal;
    result.refusal = std::move(refusal);
    if (dry_run) return result;
    result.moved = act(journal ? &*journal : nullptr, result.plan, {ends.self, ends.host_sock},
                       {*run.target, *ends.target_sock}, result.decisions);
    return result;
}

PipelineResult hand_over_to_runtime(const PipelineRun& run, const std::string& runtime) {
    const DeviceRequestSet& req = run.request;
    const bool dry_run = run.state_dir == nullptr;
    validate_request(req, run.policy);
    if (!run.target)
        throw HookError(ExitCode::invalid_input,
                        "the container netns is unknown: pass --state with the pid, or a netns "
                        "path in the config");
    Ends ends(run.target, run.sysfs_root);
    std::optional<Journal> journal = dry_run ? std::nullopt : open_journal(run, runtime);
    LockedDevices locked;
    if (dry_run)
        locked.devices = resolve_all(req.devices, ends.host_dir, ends.container());
    else
        locked = lock_devices(*run.state_dir, req.devices, ends.host_dir, ends.container());

    PipelineResult result;
    result.container_label = ends.container().netns_label();
    result.decisions = authorize(locked.devices, host_guarded_set(ends.host_sock, locked.devices),
                                 run.policy, {req.source, req.pod.namespace_name});
    if (!dry_run) audit_decisions(result.decisions);
    if (std::optional<HookError> refusal = first_refusal(result.decisions)) {
        if (!dry_run) throw *refusal;
        result.refusal = std::move(refusal);
        return result;
    }
    std::vector<HostState> states;
    std::vector<std::string> requested;
    std::vector<std::optional<LinkInfo>> in_container;
    for (const ResolvedDevice& d : locked.devices) {
        NETDEV_LOG_DEVICE(d.request.host_name);
        if (d.host_link) {  // youki: it moves the device after this hook
            states.push_back(snapshot_device({ends.self, ends.host_sock}, *d.host_link));
            in_container.emplace_back();
            result.handed_over.push_back("on the host: " + runtime +
                                         " moves it after createRuntime");
        } else {  // runc, crun: moved before this hook; what the hook sees is what it gives back
            LinkInfo l = check_runtime_moved(d.request, *ends.target_sock, *run.target, runtime);
            HostState h = snapshot_device({*run.target, *ends.target_sock}, l);
            h.name = d.request.host_name;
            h.routes.clear();    // the container's, not the host's
            h.settings.clear();  // the container netns's defaults
            states.push_back(std::move(h));
            in_container.push_back(std::move(l));
            result.handed_over.push_back("moved by " + runtime + " as " +
                                         in_container.back()->name);
        }
        requested.push_back(d.request.requested);
    }
    if (dry_run) return result;
    journal->begin(states, requested);
    for (std::size_t i = 0; i < states.size(); ++i) {
        if (in_container[i])
            journal->configured(i, in_container[i]->name, in_container[i]->index);
        else
            journal->touching(i);
        audit(states[i].name, "handed over", runtime);
    }
    journal->commit();
    NETDEV_LOG(info) << "linux.netDevices moved by " << runtime << ", which moves them itself";
    return result;
}

}  // namespace netdev
