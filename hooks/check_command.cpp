// `check`: everything the hook checks before acting, and the plan, without any change.
#include <ostream>
#include <sstream>

#include "common/error.hpp"
#include "common/escape.hpp"
#include "common/ifname.hpp"
#include "common/read_file.hpp"
#include "common/state_dir.hpp"
#include "hooks/device_move.hpp"
#include "hooks/native_net_devices.hpp"
#include "hooks/run_hook.hpp"
#include "netdev/rtnl_directory.hpp"

namespace netdev {
namespace {

void print_move(std::ostream& out, NetlinkSocket& host, const DeviceMove& m,
                const std::string& target) {
    const LinkInfo& l = m.host_link;
    out << "  " << l.name << " (ifindex " << l.index << ", " << (l.up() ? "up" : "down") << ", mtu "
        << l.mtu << (l.kind.empty() ? "" : ", " + l.kind) << ") -> " << m.request.container_name
        << " in " << target << "\n";
    for (const AddressRecord& a : dump_addresses(host, l.index, l.name))
        out << "      " << (is_carried(a) ? "carries " : "leaves  ") << a.describe() << "\n";
}

void print_decisions(std::ostream& out, const std::vector<Decision>& decisions) {
    out << "decisions:\n";
    for (const Decision& d : decisions) {
        out << "  " << d.device << ": " << (d.allowed ? "allowed" : "refused") << " by " << d.rule
            << "\n";
        for (const GuardReason& g : d.lifted)
            out << "      guardrail " << guard_name(g.guard) << " lifted (" << g.why << ")\n";
    }
}

// A runtime that moves linux.netDevices itself: who moves each device, and what the hook
// checks and records.
void check_hand_over(std::ostream& out, const PipelineRun& run, const std::string& runtime) {
    out << "moved by: " << runtime << " (it moves linux.netDevices itself; the hook decides, "
        << "checks and records)\n";
    for (const NetDeviceRequest& r : run.request.devices)
        if (is_name_template(r.container_name))
            out << "note: " << r.host_name << " -> " << r.container_name << ": " << runtime
                << " looks the name up literally after its move and fails the container "
                   "(\"No such device\"); give a literal name\n";
    PipelineResult r = run_pipeline(run);
    print_decisions(out, r.decisions);
    if (r.refusal) throw *r.refusal;
    out << "hand-over:\n";
    for (std::size_t i = 0; i < r.handed_over.size(); ++i)
        out << "  " << run.request.devices[i].host_name << ": " << r.handed_over[i] << "\n";
    out << "ok: the hook would move nothing; it records " << r.handed_over.size()
        << " device(s) moved by " << runtime << "\n";
}

}  // namespace

namespace {

void check_to(const CliOptions& options, std::ostream& out) {
    OciState st;
    if (!options.state_file.empty())
        st = parse_state(
            read_file_bounded(options.state_file, kMaxStateBytes, FileKinds::regular_or_pipe));
    // The hook refuses an id it cannot name a record after; so does its dry run.
    if (!st.id.empty()) validate_container_id(st.id);
    std::string bundle = options.bundle.empty() ? st.bundle : options.bundle;
    OciConfig cfg =
        parse_config(read_file_bounded(bundle + "/config.json", kMaxConfigBytes), st.annotations);
    out << "bundle " << bundle << "\n";
    if (cfg.devices.empty()) {
        out << "no network devices requested: the hook would do nothing\n";
        return;
    }
    out << "devices from " << cfg.devices_source << ":\n";
    for (const NetDeviceRequest& r : cfg.devices)
        out << "  " << r.host_name << " -> " << r.container_name << "\n";
    Policy policy = load_policy(options.policy_path);
    out << "policy " << policy.path << (policy.present ? "" : " (absent: no rules)") << "\n";
    DeviceRequestSet request = request_for_container(cfg, st);
    check_request(request, policy);

    std::optional<Netns> target;
    if (!cfg.netns.private_netns || !cfg.netns.path.empty() || st.pid)
        target.emplace(open_config_target(cfg, st));
    else
        out << "note: no netns path in the config and no --state: container name checks "
               "skipped\n";
    // `check` runs from a shell: the runtime is the one --runtime names, if any.
    std::optional<std::string> runtime =
        runtime_mover(cfg, {options.native, options.runtime_path, false}, policy, nullptr);
    PipelineRun run{.mode = PipelineMode::dry_run,
                    .request = request,
                    .policy = policy,
                    .target = target ? &*target : nullptr,
                    .moved_by = runtime.value_or(""),
                    .sysfs_root = options.sysfs_root};
    if (runtime) return check_hand_over(out, run, *runtime);
    out << "moved by: the hook"
        << (cfg.source == RequestSource::config && options.runtime_path.empty()
                ? " (no runtime named: --runtime PATH asks one's features)"
                : "")
        << "\n";
    PipelineResult r = run_pipeline(run);
    print_decisions(out, r.decisions);
    if (r.refusal) throw *r.refusal;
    out << "plan:\n";
    NetlinkSocket host_sock = NetlinkSocket::open_in(Netns::current());
    for (const DeviceMove& m : r.plan.moves) print_move(out, host_sock, m, r.container_label);
    for (const NetDeviceRequest& q : r.plan.already_moved)
        out << "  " << q.host_name << ": already in " << r.container_label << " as "
            << q.container_name << ", nothing to do\n";
    out << "ok: the hook would move " << r.plan.moves.size() << " device(s)\n";
}

}  // namespace

void run_check(const CliOptions& options, std::ostream& out) {
    // Names come from whoever wrote the config or the annotation: an admin's terminal gets
    // their control characters escaped (common/escape.hpp), also for a partial plan.
    std::ostringstream text;
    try {
        check_to(options, text);
    } catch (...) {
        out << escape_control_in_lines(text.str());
        throw;
    }
    out << escape_control_in_lines(text.str());
}

}  // namespace netdev
