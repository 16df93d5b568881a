#include "hooks/device_move.hpp"

#include <algorithm>

#include "common/audit.hpp"
#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "hooks/device_locks.hpp"
#include "hooks/give_back.hpp"
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
std::optional<Journal> open_journal(const PipelineRun& run) {
    if (run.record_id.empty()) return std::nullopt;
    ContainerRecord header;
    header.id = run.record_id;
    header.bundle = run.bundle;
    header.netns = run.target->id();
    header.netns_path = run.target_path;
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

void authorize_on_host(const PipelineRun& run) {
    Ends ends(run.target, run.sysfs_root);
    std::vector<ResolvedDevice> devices =
        resolve_all(run.request.devices, ends.host_dir, ends.container());
    std::vector<Decision> decisions =
        authorize(devices, host_guarded_set(ends.host_sock), run.policy,
                  {run.request.source, run.request.pod.namespace_name});
    audit_decisions(decisions);
    if (std::optional<HookError> refusal = first_refusal(decisions)) throw *refusal;
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
    GuardedSet guards = host_guarded_set(ends.host_sock);  // once per run
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

}  // namespace netdev
