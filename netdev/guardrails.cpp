#include "netdev/guardrails.hpp"

#include <linux/if.h>

#include <algorithm>

#include "common/error.hpp"
#include "netdev/default_routes.hpp"

namespace netdev {
namespace {

// IFLA_LINK of a veth (and its kin) names its peer, not a device it is built on.
bool is_stacked_on_link(const LinkInfo& l) {
    return l.link > 0 && l.link != l.index && !l.link_elsewhere && l.kind != "veth" &&
           l.kind != "vxcan" && l.kind != "netkit";
}

bool is_netns_local(const LinkInfo& l) {
    if (l.netns_immutable) return *l.netns_immutable;
    return (l.flags & IFF_LOOPBACK) || l.kind == "bridge";  // K12 on kernels before 6.12
}

// Edges of the stacking graph: lower -> upper (a port under its master, a lower device under
// the macvlan or vlan on top of it).
struct Stack {
    std::multimap<int, int> uppers, lowers;
    void edge(int lower, int upper) {
        uppers.emplace(lower, upper);
        lowers.emplace(upper, lower);
    }
};

// Every device reachable from `from` along one direction of the graph.
std::set<int> reach(const std::multimap<int, int>& edges, int from) {
    std::set<int> seen;
    std::vector<int> todo{from};
    while (!todo.empty()) {
        int at = todo.back();
        todo.pop_back();
        auto [b, e] = edges.equal_range(at);
        for (auto it = b; it != e; ++it)
            if (seen.insert(it->second).second) todo.push_back(it->second);
    }
    return seen;
}

}  // namespace

GuardedSet::GuardedSet(const std::vector<LinkInfo>& links, const std::set<int>& uplinks) {
    std::map<int, std::string> names;
    for (const LinkInfo& l : links) names[l.index] = l.name;
    auto name = [&](int index) {
        auto it = names.find(index);
        return it == names.end() ? std::string("#").append(std::to_string(index)) : it->second;
    };
    Stack stack;
    for (const LinkInfo& l : links) {
        if (l.flags & IFF_LOOPBACK) add(l.index, Guard::loopback, "the loopback device");
        if (is_netns_local(l)) add(l.index, Guard::netns_local, "the kernel keeps it in its netns");
        if (l.master > 0) {
            add(l.index, Guard::port, "a port of " + name(l.master));
            stack.edge(l.index, l.master);
        }
        if (is_stacked_on_link(l)) {
            add(l.link, Guard::lower, "the lower device of " + name(l.index));
            stack.edge(l.link, l.index);
        }
    }
    for (int up : uplinks) {
        if (!names.contains(up)) continue;
        add(up, Guard::uplink, "carries a default route");
        for (int lower : reach(stack.lowers, up))
            add(lower, Guard::uplink_stack, "the uplink " + name(up) + " is built on it");
        for (int upper : reach(stack.uppers, up))
            add(upper, Guard::uplink_stack, "built on the uplink " + name(up));
    }
    for (auto& [index, reasons] : by_index_)
        std::stable_sort(reasons.begin(), reasons.end(),
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

GuardedSet host_guarded_set(NetlinkSocket& host) {
    return GuardedSet(list_links(host), default_route_devices(host));
}

void check_device_limit(std::size_t requested, std::size_t limit, const std::string& source) {
    if (requested > limit)
        throw HookError(ExitCode::refused, source + ": " + std::to_string(requested) +
                                               " devices requested, more than the limit of " +
                                               std::to_string(limit) +
                                               " per container (guardrail limit)");
}

}  // namespace netdev
