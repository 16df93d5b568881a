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
// relation netdev_upper_dev_link() keeps for masters, vlans, macvlans, ipvlans, macsec, HSR
// and a vxlan's underlay. Read through the device's directory opened once (a rename moves it
// along); nullopt when that is not the device asked (another took its name) or an entry
// cannot be resolved to its ifindex (gone under the read).
std::optional<StackNeighbours> adjacency(const SysfsView& sysfs, const StackedLink& link) {
    if (link.name.empty()) return std::nullopt;
    std::optional<SysfsView> dir = sysfs.subdir("class/net/" + link.name);
    if (!dir || dir->read_int("ifindex") != link.index) return std::nullopt;
    std::optional<std::vector<std::string>> names = dir->entries(".");
    if (!names) return std::nullopt;
    StackNeighbours n;
    for (const std::string& e : *names) {
        bool up = e.starts_with("upper_");
        if (!up && !e.starts_with("lower_")) continue;
        std::optional<int> index = dir->read_int(e + "/ifindex");
        if (!index) return std::nullopt;
        (up ? n.above : n.below).push_back({*index, e.substr(6)});
    }
    return n;
}

// `extra` added to `n`, each device once.
void merge(StackNeighbours& n, const StackNeighbours& extra) {
    for (auto [side, more] : {std::pair{&n.above, &extra.above}, std::pair{&n.below, &extra.below}})
        for (const StackedLink& l : *more)
            if (std::none_of(side->begin(), side->end(),
                             [&](const StackedLink& s) { return s.index == l.index; }))
                side->push_back(l);
}

void by_index(StackNeighbours& n) {
    // Ifindex order, as 6.6 and later dump links (readdir's is the kernel's hash order), so
    // both sources name the same device first in a reason.
    auto less = [](const StackedLink& a, const StackedLink& b) { return a.index < b.index; };
    std::sort(n.above.begin(), n.above.end(), less);
    std::sort(n.below.begin(), n.below.end(), less);
}

class HostStack final : public LinkStack {
  public:
    // With drivers that stack by IFLA_LINK alone present, the dump's edges are added to the
    // adjacency, not swapped for it: each source knows relations the other does not.
    HostStack(NetlinkSocket& host, std::optional<SysfsView> sysfs)
        : host_(host), sysfs_(std::move(sysfs)) {
        if (!sysfs_)
            read_dump("no sysfs view of this netns");
        else if (unlisted_stacking_possible(*sysfs_))
            read_dump("drivers that stack by IFLA_LINK alone are loaded");
    }
    StackNeighbours neighbours(const StackedLink& link) override {
        std::optional<StackNeighbours> n = sysfs_ ? adjacency(*sysfs_, link) : std::nullopt;
        if (sysfs_ && !n) read_dump("sysfs could not vouch for " + link.name);
        if (!n) n.emplace();
        if (dump_) merge(*n, dump_->neighbours(link));
        by_index(*n);
        return *n;
    }
    std::string source() const override {
        return sysfs_ ? (dump_ ? "kernel adjacency and link dump" : "kernel adjacency")
                      : "link dump";
    }

  private:
    void read_dump(const std::string& why) {
        if (dump_) return;
        NETDEV_LOG(debug) << "stacking read from one link dump too: " << why;
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
    // Loadable drivers have a directory under module/ while loaded, built-in ones with a
    // parameter too (ipip, ip_gre, sit, ip6_tunnel, ip6_gre: log_ecn_error); built-in tunnel
    // drivers also make a fallback device in every netns (net.core.fb_tunnels_only_for_init_net
    // 0; 1: the initial netns only; 2: none), which may be renamed.
    // IP tunnels and xfrm interfaces bound with `dev`, IPoIB children and 6LoWPAN: each has
    // an ndo_get_iflink (IFLA_LINK) and no adjacency entry (kernel source, K16).
    static constexpr std::array<std::string_view, 10> modules{"ipip",       "ip_gre",
                                                              "sit",        "ip_vti",
                                                              "ip6_tunnel", "ip6_gre",
                                                              "ip6_vti",    "xfrm_interface",
                                                              "ib_ipoib",   "ieee802154_6lowpan"};
    static constexpr std::array<std::string_view, 9> fallback_devices{
        "tunl0", "gre0", "gretap0", "erspan0", "sit0", "ip_vti0", "ip6tnl0", "ip6gre0", "ip6_vti0"};
    // Each name looked up in its directory, opened once: one path component a lookup, not three.
    auto any_in = [&](const char* dir, const auto& names) {
        std::optional<SysfsView> in = sysfs.subdir(dir);
        return in && std::any_of(names.begin(), names.end(),
                                 [&](auto n) { return in->exists(std::string(n)); });
    };
    return any_in("module", modules) || any_in("class/net", fallback_devices);
}

}  // namespace netdev
