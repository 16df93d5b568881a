#include "netdev/guardrails.hpp"

#include <linux/if.h>

#include <algorithm>
#include <functional>

#include "common/error.hpp"
#include "netdev/default_routes.hpp"

namespace netdev {
namespace {

// IFLA_LINK of a veth (and its kin) names its peer, not a device it is built on.
bool is_stacked_on_link(const LinkEdges& l) {
    return l.link > 0 && l.link != l.index && !l.link_elsewhere && l.kind != "veth" &&
           l.kind != "vxcan" && l.kind != "netkit";
}

bool is_netns_local(const LinkInfo& l) {
    if (l.netns_immutable) return *l.netns_immutable;
    return (l.flags & IFF_LOOPBACK) || l.kind == "bridge";  // K12 on kernels before 6.12
}

// The stacking graph of the host's links: lower -> upper edges (a port under its master, a
// lower device under the macvlan or vlan on top of it), a few per stack, none for a plain
// veth or physical device.
struct StackGraph {
    std::vector<std::pair<int, int>> edges;    // (lower, upper)
    std::vector<std::pair<int, int>> stacked;  // (lower, upper) by IFLA_LINK, in dump order

    void add(const LinkEdges& l) {
        if (l.master > 0) edges.emplace_back(l.index, l.master);
        if (is_stacked_on_link(l)) {
            edges.emplace_back(l.link, l.index);
            stacked.emplace_back(l.link, l.index);
        }
    }

    // Every device reachable from `from` upwards (what is built on it) or downwards.
    std::set<int> reach(int from, bool upwards) const {
        std::set<int> seen;
        std::vector<int> todo{from};
        while (!todo.empty()) {
            int at = todo.back();
            todo.pop_back();
            for (auto [lower, upper] : edges) {
                int next = upwards ? (lower == at ? upper : 0) : (upper == at ? lower : 0);
                if (next && seen.insert(next).second) todo.push_back(next);
            }
        }
        return seen;
    }
};

}  // namespace

struct GuardedHostView {
    StackGraph graph;
    std::function<bool(int)> is_uplink;
    std::function<std::string(int)> name;  // "#<ifindex>" when there is no such link
};

GuardedSet::GuardedSet(const std::vector<LinkInfo>& links, const std::set<int>& uplinks) {
    std::map<int, std::string> names;
    GuardedHostView host;
    for (const LinkInfo& l : links) {
        names[l.index] = l.name;
        host.graph.add(edges_of(l));
    }
    host.is_uplink = [&](int i) { return uplinks.contains(i) && names.contains(i); };
    host.name = [&](int i) {
        auto it = names.find(i);
        return it == names.end() ? std::string("#").append(std::to_string(i)) : it->second;
    };
    for (const LinkInfo& l : links) guard(l, host);
}

void GuardedSet::guard(const LinkInfo& l, GuardedHostView& host) {
    if (l.flags & IFF_LOOPBACK) add(l.index, Guard::loopback, "the loopback device");
    if (is_netns_local(l)) add(l.index, Guard::netns_local, "the kernel keeps it in its netns");
    if (l.master > 0) add(l.index, Guard::port, "a port of " + host.name(l.master));
    for (auto [lower, upper] : host.graph.stacked)
        if (lower == l.index) {
            add(l.index, Guard::lower, "the lower device of " + host.name(upper));
            break;
        }
    // The device and its whole stack, uplinks in ifindex order (the first reason stays).
    std::set<int> above = host.graph.reach(l.index, true);
    std::set<int> below = host.graph.reach(l.index, false);
    std::set<int> stack = above;
    stack.insert(below.begin(), below.end());
    stack.insert(l.index);
    for (int up : stack) {
        if (!host.is_uplink(up)) continue;
        if (up == l.index) add(up, Guard::uplink, "carries a default route");
        if (above.contains(up))
            add(l.index, Guard::uplink_stack, "the uplink " + host.name(up) + " is built on it");
        if (below.contains(up))
            add(l.index, Guard::uplink_stack, "built on the uplink " + host.name(up));
    }
    if (auto it = by_index_.find(l.index); it != by_index_.end())
        std::stable_sort(it->second.begin(), it->second.end(),
                         [](const auto& a, const auto& b) { return a.guard < b.guard; });
}

void GuardedSet::add(int ifindex, Guard guard, std::string why) {
    auto& reasons = by_index_[ifindex];
    for (const GuardReason& r : reasons)
        if (r.guard == guard) return;
    reasons.push_back({guard, std::move(why)});
}

const std::vector<GuardReason>& GuardedSet::reasons(int ifindex) const {
    static const std::vector<GuardReason> none;
    auto it = by_index_.find(ifindex);
    return it == by_index_.end() ? none : it->second;
}

GuardedSet host_guarded_set(NetlinkSocket& host, const std::vector<ResolvedDevice>& asked) {
    GuardedSet set;
    if (std::none_of(asked.begin(), asked.end(), [](const auto& d) { return d.host_link; }))
        return set;
    GuardedHostView view;
    view.graph = retry_interrupted_dump([&] {
        StackGraph graph;
        walk_link_edges(host, [&](const LinkEdges& l) { graph.add(l); });
        return graph;
    });
    UplinkQuery uplinks(host);
    view.is_uplink = [&](int i) { return uplinks.is_uplink(i); };
    std::map<int, std::string> names;
    view.name = [&](int i) {
        auto it = names.find(i);
        if (it == names.end()) {
            std::optional<LinkInfo> l = find_link_by_index(host, i);
            it = names.emplace(i, l ? l->name : std::string("#").append(std::to_string(i))).first;
        }
        return it->second;
    };
    for (const ResolvedDevice& d : asked)
        if (d.host_link) set.guard(*d.host_link, view);
    return set;
}

void check_device_limit(std::size_t requested, std::size_t limit, const std::string& source) {
    if (requested > limit)
        throw HookError(ExitCode::refused, source + ": " + std::to_string(requested) +
                                               " devices requested, more than the limit of " +
                                               std::to_string(limit) +
                                               " per container (guardrail limit)");
}

}  // namespace netdev
