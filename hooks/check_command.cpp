// `check`: everything the hook checks before acting, and the plan, without any change.
#include <ostream>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "common/state_dir.hpp"
#include "hooks/device_move.hpp"
#include "hooks/run_hook.hpp"
#include "netdev/rtnl_directory.hpp"

namespace netdev {
namespace {

// A container netns we cannot see (no path in the config and no state with a pid): every
// name looks free, and the output says the name checks were skipped.
class UnknownNetns final : public LinkLookup {
  public:
    std::optional<LinkInfo> find(const std::string&) override { return std::nullopt; }
    const std::string& netns_label() const override { return label_; }

  private:
    std::string label_ = "the container netns (unknown)";
};

void print_move(std::ostream& out, NetlinkSocket& host, const DeviceMove& m,
                const std::string& target) {
    const LinkInfo& l = m.host_link;
    out << "  " << l.name << " (ifindex " << l.index << ", " << (l.up() ? "up" : "down") << ", mtu "
        << l.mtu << (l.kind.empty() ? "" : ", " + l.kind) << ") -> " << m.request.container_name
        << " in " << target << "\n";
    for (const AddressRecord& a : dump_addresses(host, l.index, l.name))
        out << "      " << (is_carried(a) ? "carries " : "leaves  ") << a.describe() << "\n";
}

}  // namespace

void run_check(const CliOptions& options, std::ostream& out) {
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
    validate_requests(cfg.devices, cfg.devices_source);

    Netns self = Netns::current();
    NetlinkSocket host_sock = NetlinkSocket::open_in(self);
    RtnlDirectory host_dir(host_sock);
    std::optional<Netns> target;
    if (!cfg.netns.private_netns || !cfg.netns.path.empty() || st.pid)
        target.emplace(open_config_target(cfg, st));
    std::optional<NetlinkSocket> target_sock;
    UnknownNetns unknown;
    LinkLookup* target_dir = &unknown;
    std::optional<RtnlDirectory> target_rtnl;
    if (target) {
        refuse_own_netns(self, *target);
        target_sock.emplace(NetlinkSocket::open_in(*target));
        target_dir = &target_rtnl.emplace(*target_sock);
    } else {
        out << "note: no netns path in the config and no --state: container name checks "
               "skipped\n";
    }
    MovePlan plan = plan_moves(cfg.devices, host_dir, *target_dir);
    out << "plan:\n";
    for (const DeviceMove& m : plan.moves) print_move(out, host_sock, m, target_dir->netns_label());
    for (const NetDeviceRequest& r : plan.already_moved)
        out << "  " << r.host_name << ": already in " << target_dir->netns_label() << " as "
            << r.container_name << ", nothing to do\n";
    out << "ok: the hook would move " << plan.moves.size() << " device(s)\n";
}

}  // namespace netdev
