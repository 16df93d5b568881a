#include "netdev/link_stack.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/logging.hpp"

namespace netdev {
namespace {

// IFLA_LINK of a veth (and its kin) names its peer, not a device it is built on.
bool is_stacked_on_link(const LinkEdges& l) {
    return l.link > 0 && l.link != l.index && !l.link_elsewhere && l.kind != "veth" &&
           l.kind != "vxcan" && l.kind != "netkit";
}

// Lower -> upper edges (a port under its master, a lower device under what is built on it),
// a few per stack, none for a plain veth or physical device.
class EdgeStack final : public LinkStack {
  public:
    void add(const LinkEdges& l) {
        if (l.master > 0) edges_.emplace_back(l.index, l.master);
        if (is_stacked_on_link(l)) edges_.emplace_back(l.link, l.index);
    }
    StackNeighbours neighbours(const StackedLink& link) override {
        StackNeighbours n;
        for (auto [lower, upper] : edges_) {
            if (lower == link.index) n.above.push_back({upper, {}});
            if (upper == link.index) n.below.push_back({lower, {}});
        }
        return n;
    }
    std::string source() const override { return "link dump"; }

  private:
    std::vector<std::pair<int, int>> edges_;
};

std::unique_ptr<EdgeStack> dump_stack(NetlinkSocket& host) {
    return retry_interrupted_dump([&] {
        auto stack = std::make_unique<EdgeStack>();
        walk_link_edges(host, [&](const LinkEdges& l) { stack->add(l); });
        return stack;
    });
}

// class/net/NAME/{upper,lower}_OTHER: the kernel's adjacency of same-netns devices, the
// relation netdev_upper_dev_link() keeps for masters, vlans, macvlans, ipvlans and macsec.
// nullopt when the directory is not the device asked (renamed or gone under the read) or an
// entry cannot be resolved to its ifindex.
std::optional<StackNeighbours> adjacency(const SysfsView& sysfs, const StackedLink& link) {
    const std::string dir = "class/net/" + link.name;
    if (link.name.empty() || sysfs.read_int(dir + "/ifindex") != link.index) return std::nullopt;
    std::optional<std::vector<std::string>> names = sysfs.entries(dir);
    if (!names) return std::nullopt;
    StackNeighbours n;
    for (const std::string& e : *names) {
        bool up = e.starts_with("upper_");
        if (!up && !e.starts_with("lower_")) continue;
        std::optional<int> index = sysfs.read_int(dir + "/" + e + "/ifindex");
        if (!index) return std::nullopt;
        (up ? n.above : n.below).push_back({*index, e.substr(6)});
    }
    // The directory is re-read by ifindex: a rename in between would have moved it.
    if (sysfs.read_int(dir + "/ifindex") != link.index) return std::nullopt;
    // In ifindex order, as the dump lists them (readdir's order is the kernel's hash order).
    auto by_index = [](const StackedLink& a, const StackedLink& b) { return a.index < b.index; };
    std::sort(n.above.begin(), n.above.end(), by_index);
    std::sort(n.below.begin(), n.below.end(), by_index);
    return n;
}

class HostStack final : public LinkStack {
  public:
    HostStack(NetlinkSocket& host, std::optional<SysfsView> sysfs)
        : host_(host), sysfs_(std::move(sysfs)) {
        if (sysfs_ && unlisted_stacking_possible(*sysfs_)) fall_back("IFLA_LINK-only drivers");
        if (!sysfs_ && !dump_) fall_back("no sysfs view of this netns");
    }
    StackNeighbours neighbours(const StackedLink& link) override {
        if (sysfs_) {
            if (std::optional<StackNeighbours> n = adjacency(*sysfs_, link)) return *n;
            fall_back("sysfs could not vouch for " + link.name);
        }
        return dump_->neighbours(link);
    }
    std::string source() const override { return sysfs_ ? "kernel adjacency" : "link dump"; }

  private:
    void fall_back(const std::string& why) {
        NETDEV_LOG(debug) << "stacking read from one link dump: " << why;
        sysfs_.reset();
        dump_ = dump_stack(host_);
    }
    NetlinkSocket& host_;
    std::optional<SysfsView> sysfs_;
    std::unique_ptr<EdgeStack> dump_;
};

}  // namespace

std::unique_ptr<LinkStack> stack_of_links(const std::vector<LinkEdges>& links) {
    auto stack = std::make_unique<EdgeStack>();
    for (const LinkEdges& l : links) stack->add(l);
    return stack;
}

std::unique_ptr<LinkStack> host_link_stack(NetlinkSocket& host, std::optional<SysfsView> sysfs) {
    return std::make_unique<HostStack>(host, std::move(sysfs));
}

bool unlisted_stacking_possible(const SysfsView& sysfs) {
    // Loadable drivers have a directory under module/ while loaded; built-in tunnel drivers
    // make their fallback device in every netns (unless net.core.fb_tunnels_only_for_init_net).
    static constexpr std::array<std::string_view, 8> modules{
        "ipip", "ip_gre", "sit", "ip_vti", "ip6_tunnel", "ip6_gre", "ip6_vti", "xfrm_interface"};
    static constexpr std::array<std::string_view, 9> fallback_devices{
        "tunl0", "gre0", "gretap0", "erspan0", "sit0", "ip_vti0", "ip6tnl0", "ip6gre0", "ip6_vti0"};
    return std::any_of(modules.begin(), modules.end(),
                       [&](auto m) { return sysfs.exists("module/" + std::string(m)); }) ||
           std::any_of(fallback_devices.begin(), fallback_devices.end(),
                       [&](auto d) { return sysfs.exists("class/net/" + std::string(d)); });
}

}  // namespace netdev
