#include "netdev/guardrails.hpp"

#include <linux/if.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "netdev/default_routes.hpp"

namespace netdev {
namespace {

bool is_netns_local(const LinkInfo& l) {
    if (l.netns_immutable) return *l.netns_immutable;
    return (l.flags & IFF_LOOPBACK) || l.kind == "bridge";  // K12 on kernels before 6.12
}

}  // namespace

struct GuardedHostView {
    LinkStack* stack = nullptr;
    std::function<bool(int)> is_uplink;
    std::function<std::string(int)> name;  // "#<ifindex>" when there is no such link
    std::map<int, std::string> names;      // what the stack said, then what `name` answered
    std::map<int, StackNeighbours> read;

    // Once per device, however many reasons name it.
    const std::string& name_of(int index) {
        auto it = names.find(index);
        if (it == names.end()) it = names.emplace(index, name(index)).first;
        return it->second;
    }
    // Once per device: the lower check and both walks ask for the same ones.
    const StackNeighbours& neighbours(int index) {
        auto it = read.find(index);
        if (it != read.end()) return it->second;
        StackNeighbours n = stack->neighbours({index, names.contains(index) ? names[index] : ""});
        for (const auto* side : {&n.above, &n.below})
            for (const StackedLink& s : *side)
                if (!s.name.empty()) names.emplace(s.index, s.name);
        return read.emplace(index, std::move(n)).first->second;
    }
    // Every device reachable from `from` upwards (what is built on it) or downwards.
    std::set<int> reach(int from, bool upwards) {
        std::set<int> seen;
        std::vector<int> todo{from};
        while (!todo.empty()) {
            int at = todo.back();
            todo.pop_back();
            const StackNeighbours& n = neighbours(at);
            for (const StackedLink& next : upwards ? n.above : n.below)
                if (seen.insert(next.index).second) todo.push_back(next.index);
        }
        seen.erase(from);
        return seen;
    }
};

GuardedSet::GuardedSet(const std::vector<LinkInfo>& links, const std::set<int>& uplinks) {
    std::map<int, std::string> names;
    std::vector<LinkEdges> edges;
    for (const LinkInfo& l : links) {
        names[l.index] = l.name;
        edges.push_back(edges_of(l));
    }
    std::unique_ptr<LinkStack> stack = stack_of_links(edges);
    GuardedHostView host;
    host.stack = stack.get();
    host.is_uplink = [&](int i) { return uplinks.contains(i) && names.contains(i); };
    host.name = [&](int i) {
        auto it = names.find(i);
        return it == names.end() ? std::string("#").append(std::to_string(i)) : it->second;
    };
    for (const LinkInfo& l : links) guard(l, host);
}

void GuardedSet::guard(const LinkInfo& l, GuardedHostView& host) {
    host.names.emplace(l.index, l.name);
    // First: the stack names its neighbours (the master among them) for the reasons.
    const StackNeighbours& next = host.neighbours(l.index);
    if (l.flags & IFF_LOOPBACK) add(l.index, Guard::loopback, "the loopback device");
    if (is_netns_local(l)) add(l.index, Guard::netns_local, "the kernel keeps it in its netns");
    if (l.master > 0) add(l.index, Guard::port, "a port of " + host.name_of(l.master));
    // Above it and not its master: a device built on it.
    for (const StackedLink& up : next.above)
        if (up.index != l.master) {
            add(l.index, Guard::lower, "the lower device of " + host.name_of(up.index));
            break;
        }
    // The device and its whole stack, uplinks in ifindex order (the first reason stays).
    std::set<int> above = host.reach(l.index, true);
    std::set<int> below = host.reach(l.index, false);
    std::set<int> stack = above;
    stack.insert(below.begin(), below.end());
    stack.insert(l.index);
    for (int up : stack) {
        if (!host.is_uplink(up)) continue;
        if (up == l.index) add(up, Guard::uplink, "carries a default route");
        if (above.contains(up))
            add(l.index, Guard::uplink_stack, "the uplink " + host.name_of(up) + " is built on it");
        if (below.contains(up))
            add(l.index, Guard::uplink_stack, "built on the uplink " + host.name_of(up));
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

GuardedSet host_guarded_set(NetlinkSocket& host, const std::vector<ResolvedDevice>& asked,
                            const HostStackSource& stack_source, DeviceRoutes* routes) {
    GuardedSet set;
    if (std::none_of(asked.begin(), asked.end(), [](const auto& d) { return d.host_link; }))
        return set;
    std::unique_ptr<LinkStack> stack = stack_source(host);
    GuardedHostView view;
    view.stack = stack.get();
    std::optional<DeviceRoutes> own;
    if (!routes) routes = &own.emplace(host);
    if (&routes->socket() != &host)
        throw std::logic_error("host_guarded_set: routes of another socket than the host's");
    for (const ResolvedDevice& d : asked)  // their snapshot reads the same dump again
        if (d.host_link) routes->keep(d.host_link->index);
    UplinkQuery uplinks(*routes);
    view.is_uplink = [&](int i) { return uplinks.is_uplink(i); };
    view.name = [&](int i) {
        std::optional<LinkInfo> l = find_link_by_index(host, i);
        return l ? l->name : std::string("#").append(std::to_string(i));
    };
    for (const ResolvedDevice& d : asked)
        if (d.host_link) set.guard(*d.host_link, view);
    NETDEV_LOG(debug) << "host stacking read from " << stack->source();
    return set;
}

std::unique_ptr<LinkStack> kernel_host_stack(NetlinkSocket& host) {
    return host_link_stack(host, SysfsView::of_current_netns());
}

std::unique_ptr<LinkStack> dumped_host_stack(NetlinkSocket& host) {
    return host_link_stack(host, std::nullopt);
}

void check_device_limit(std::size_t requested, std::size_t limit, const std::string& source) {
    if (requested > limit)
        throw HookError(ExitCode::refused, source + ": " + std::to_string(requested) +
                                               " devices requested, more than the limit of " +
                                               std::to_string(limit) +
                                               " per container (guardrail limit)");
}

}  // namespace netdev
