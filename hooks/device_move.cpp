#include "hooks/device_move.hpp"

#include <unistd.h>

#include <ctime>

#include "common/audit.hpp"
#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"
#include "common/target_hold.hpp"
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

// The two netns the pipeline looks into, each with one socket opened once.
class Ends {
  public:
    // The host's directory resolves selectors, reading sysfs under `sysfs_root`.
    explicit Ends(const PipelineRun& run)
        : host_sock(run.open_socket(self)),
          host_dir(host_sock, run.sysfs_root),
          host_routes(host_sock) {
        if (!run.target) return;
        refuse_own_netns(self, *run.target);
        target_sock.emplace(run.open_socket(*run.target));
        target_dir.emplace(*target_sock);
    }
    LinkLookup& container() { return target_dir ? static_cast<LinkLookup&>(*target_dir) : unknown; }
    NetnsEnd host() { return {self, host_sock, &host_routes}; }

    Netns self = Netns::current();
    NetlinkSocket host_sock;
    RtnlDirectory host_dir;
    DeviceRoutes host_routes;  // read by the guardrails, again by the snapshot: one dump
    std::optional<NetlinkSocket> target_sock;

  private:
    std::optional<RtnlDirectory> target_dir;
    UnknownNetns unknown;
};

// The write-ahead record of this run, after settling what an earlier run for the same
// container left (give_back.hpp); with record.pin, begin() pins the target netns. `move`
// has no container: its record is named after the target netns, this process and the time,
// so `status` and `recover` see it, and no other `move` (running beside it, or into a later
// netns with the same inode) takes it for its own earlier run.
Journal open_journal(const PipelineRun& run) {
    if (!run.state_dir || !run.target)
        throw HookError(ExitCode::invalid_input, "a run that acts needs a state dir and a target");
    ContainerRecord header;
    header.id = run.record.id.empty()
                    ? "move-" + std::to_string(run.target->id().ino) + "-" +
                          std::to_string(::getpid()) + "-" + std::to_string(::time(nullptr))
                    : run.record.id;
    header.bundle = run.record.bundle;
    header.netns = run.target->id();
    header.netns_path = run.record.netns_path;
    header.moved_by = run.moved_by;
    Journal j(*run.state_dir, std::move(header), run.record.pin ? run.target : nullptr);
    settle_earlier_run(j, *run.target, *run.state_dir, run.open_socket);
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

const Decision* decision_for(const std::vector<Decision>& decisions, const HostState& device) {
    const std::string key = identity_key(device.index, device.identity);
    for (const Decision& d : decisions)
        if (d.identity == key) return &d;
    return nullptr;
}

// Act: the one call into the mover; the failure of a move is audited for every device.
std::vector<MovedDevice> act(Journal& journal, const MovePlan& plan, NetnsEnd host,
                             NetnsEnd container, const std::vector<Decision>& decisions) {
    try {
        std::vector<MovedDevice> moved = execute_plan(plan, host, container, journal);
        for (const MovedDevice& m : moved) {
            const Decision* d = decision_for(decisions, m.host);
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
    if (link->other_end_here())
        throw HookError(ExitCode::refused,
                        r.host_name + ": " + link->name + " in " + target.label() + " is a " +
                            (link->kind.empty() ? "device" : link->kind) +
                            " whose other end is in the container itself: not a device " + runtime +
                            " moved from the host");
    return *link;
}

// One device of the hand-over, as the hook finds it.
struct HandedOver {
    HostState state;                       // what a give-back restores
    std::optional<LinkInfo> in_container;  // where the runtime put it, when it has
    std::string where;                     // for `check`
};

// On the host (youki moves it after this hook), or already in the container (runc, crun),
// checked there and decided by the policy: what the hook sees of it is what it gives back.
HandedOver find_handed_over(const PipelineRun& run, Ends& ends, const ResolvedDevice& d,
                            PipelineResult& result) {
    const std::string& runtime = run.moved_by;
    if (d.host_link)
        return {snapshot_device(ends.host(), *d.host_link), std::nullopt,
                "on the host now; " + runtime + " moves it itself"};
    if (!run.target)  // a dry run without the container's netns
        return {{},
                std::nullopt,
                "not on the host: where " + runtime +
                    " put it cannot be checked without the container netns"};
    LinkInfo l = check_runtime_moved(d.request, *ends.target_sock, *run.target, runtime);
    Decision decision = authorize_moved(d.request, l, run.policy,
                                        {run.request.source, run.request.pod.namespace_name});
    result.decisions.push_back(decision);
    if (!decision.allowed) {
        if (run.mode == PipelineMode::act) audit(decision.device, "refused", decision.rule);
        throw HookError(ExitCode::refused, decision.message + " (" + runtime +
                                               " has moved it already: the container fails)");
    }
    // Its routes and settings there are the container's, not the host's: addresses only.
    HostState h = snapshot_device({*run.target, *ends.target_sock}, l, false);
    h.name = d.request.host_name;
    std::string where = "moved by " + runtime + " as " + l.name;
    return {std::move(h), std::move(l), std::move(where)};
}

// The hand-over step, in place of plan and act: each device found where the runtime put it
// (or will), recorded as the hook sees it, committed. Moves nothing.
void hand_over(const PipelineRun& run, Ends& ends, const std::vector<ResolvedDevice>& devices,
               std::optional<Journal>& journal, PipelineResult& result) {
    std::vector<HandedOver> found;
    for (const ResolvedDevice& d : devices) {
        NETDEV_LOG_DEVICE(d.request.host_name);
        found.push_back(find_handed_over(run, ends, d, result));
        result.handed_over.push_back(found.back().where);
    }
    if (!journal) return;  // dry run
    std::vector<HostState> states;
    std::vector<std::string> requested;
    for (std::size_t i = 0; i < found.size(); ++i) {
        states.push_back(std::move(found[i].state));
        requested.push_back(devices[i].request.requested);
    }
    journal->begin(states, requested);
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (const std::optional<LinkInfo>& l = found[i].in_container)
            journal->configured(i, l->name, l->index);
        else
            journal->touching(i);
        audit(states[i].name, "handed over", run.moved_by);
    }
    throw_if_target_gone();  // the container died meanwhile: not committed, poststop gives back
    journal->commit();
    NETDEV_LOG(info) << "linux.netDevices moved by " << run.moved_by << ", which moves them itself";
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

PipelineResult run_pipeline(const PipelineRun& run) {
    const DeviceRequestSet& req = run.request;
    const bool acting = run.mode == PipelineMode::act;
    Ends ends(run);
    LinkLookup& container = ends.container();

    // Journal first: a killed earlier run's devices are back on the host before resolving.
    std::optional<Journal> journal;
    if (acting) journal.emplace(open_journal(run));

    // Resolve and lock (a dry run takes no locks: it must not wait for or delay a hook).
    LockedDevices locked;
    if (acting)
        locked = lock_devices(*run.state_dir, req.devices, ends.host_dir, container);
    else
        locked.devices = resolve_all(req.devices, ends.host_dir, container);

    PipelineResult result;
    result.container_label = container.netns_label();
    result.decisions = authorize(
        locked.devices,
        host_guarded_set(ends.host_sock, locked.devices, kernel_host_stack, &ends.host_routes),
        run.policy, {req.source, req.pod.namespace_name});
    if (acting) audit_decisions(result.decisions);
    std::optional<HookError> refusal = first_refusal(result.decisions);
    if (!refusal && !run.moved_by.empty()) {
        hand_over(run, ends, locked.devices, journal, result);
        return result;
    }
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
            if (acting) audit("-", "refused", std::string("plan: ") + e.what());
        }
    }
    if (refusal && acting) throw *refusal;
    result.refusal = std::move(refusal);
    if (!acting || result.plan.moves.empty()) return result;
    if (run.before_act) run.before_act();
    result.moved =
        act(*journal, result.plan, ends.host(), {*run.target, *ends.target_sock}, result.decisions);
    return result;
}

}  // namespace netdev
