#include "netdev/mover.hpp"

#include <linux/if.h>

#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"
#include "netdev/allow_ipv6.hpp"
#include "netdev/device_settings.hpp"

namespace netdev {
namespace {

// What rollback needs of one device: whether anything was done to it, and its addresses.
// Where the device is now is found again (locate), not remembered: a failed move may or may
// not have moved it (K2).
struct JournalEntry {
    const DeviceMove& move;
    bool touched = false;
    std::vector<AddressRecord> addresses;
    std::vector<DeviceSetting> settings;  // K13: reset by each change of netns
};

std::vector<AddressRecord> snapshot(NetlinkSocket& sock, const LinkInfo& link) {
    std::vector<AddressRecord> kept;
    for (AddressRecord& a : dump_addresses(sock, link.index, link.name)) {
        if (is_carried(a)) {
            NETDEV_LOG(debug) << "carry " << a.describe();
            kept.push_back(std::move(a));
        } else {
            NETDEV_LOG(debug) << "leave " << a.describe() << " (not permanent and global)";
        }
    }
    return kept;
}

// Finds a moved device in `end`: by ifindex (kept across moves unless taken there, K4) with
// the same MAC, else by scanning the few links of the container netns for that MAC.
std::optional<LinkInfo> locate(NetnsEnd end, const LinkInfo& original, bool scan) {
    auto same = [&](const LinkInfo& l) { return l.identity() == original.identity(); };
    if (auto l = find_link_by_index(end.sock, original.index); l && same(*l)) return l;
    if (!scan) return std::nullopt;
    std::optional<LinkInfo> found;
    for (LinkInfo& l : list_links(end.sock))  // K2: a failed move leaves the host name
        if (same(l) && (!found || l.name == original.name)) found = std::move(l);
    return found;
}

MovedDevice move_one(JournalEntry& j, NetnsEnd host, NetnsEnd container) {
    const LinkInfo& link = j.move.host_link;
    const std::string& wanted = j.move.request.container_name;
    // K1: link-down deletes IPv6 addresses, so the snapshot comes first.
    j.addresses = snapshot(host.sock, link);
    // K13: the move resets per-device settings to the container's defaults.
    j.settings = changed_settings(host.netns, link.name);
    j.touched = true;
    if (link.up()) set_link_up(host.sock, link, false);
    move_link(host.sock, link, container.netns.fd(), container.netns.label(), wanted);
    // K4: a %d template is resolved by the kernel; learn the real name from the device.
    std::optional<LinkInfo> moved = locate(container, link, is_name_template(wanted));
    if (!moved && !is_name_template(wanted)) moved = find_link_by_name(container.sock, wanted);
    if (!moved)
        throw HookError(ExitCode::failed_restored,
                        "moved but not found in " + container.netns.label());
    apply_settings(container.netns, moved->name, j.settings);
    allow_ipv6_for_addresses(container.netns, moved->name, j.addresses);
    restore_addresses(container.sock, moved->index, link.name, moved->name, j.addresses);
    // runtime-spec "Network Devices": the runtime MUST set the device up.
    set_link_up(container.sock, *moved, true);
    NETDEV_LOG(info) << "moved to " << container.netns.label() << " as " << moved->name << " with "
                     << j.addresses.size() << " address(es)";
    return {link, moved->name, moved->index, j.addresses};
}

}  // namespace

bool return_home(const LinkInfo& original, const std::vector<AddressRecord>& addresses,
                 NetnsEnd host, SearchScope scope) {
    NETDEV_LOG_DEVICE(original.name);
    std::optional<LinkInfo> at_home = locate(host, original, false);
    std::optional<LinkInfo> away;
    if (!at_home && scope.container) away = locate(*scope.container, original, true);
    if (!at_home && !away && scope.scan_host) at_home = locate(host, original, true);
    if (!at_home && !away) return false;
    const LinkInfo& now = at_home ? *at_home : *away;
    if (now.name != original.name || away) {
        if (auto taker = find_link_by_name(host.sock, original.name);
            taker && taker->identity() != original.identity())
            throw HookError(ExitCode::restore_incomplete,
                            "its host name is taken by another device (ifindex " +
                                std::to_string(taker->index) + "); left as " + now.name + " in " +
                                (away ? scope.container->netns.label() : host.netns.label()));
    }
    if (away) {
        NETDEV_LOG(info) << "bringing back from " << scope.container->netns.label()
                         << " where it is " << away->name;
        if (away->up()) set_link_up(scope.container->sock, *away, false);
        move_link(scope.container->sock, *away, host.netns.fd(), host.netns.label(), original.name);
        at_home = find_link_by_name(host.sock, original.name);
        if (!at_home)
            throw HookError(ExitCode::restore_incomplete,
                            "moved back but not found in " + host.netns.label());
    }
    if (at_home->name != original.name) {
        // Came back without us (the kernel returns physical devices under their container
        // name, or dev%d); a rename needs the link down.
        if (at_home->up()) set_link_up(host.sock, *at_home, false);
        rename_link(host.sock, *at_home, original.name);
        at_home->name = original.name;
        at_home->flags &= ~static_cast<unsigned>(IFF_UP);
    }
    if (at_home->mtu != original.mtu) set_link_mtu(host.sock, *at_home, original.mtu);
    // Replace, not add: IPv4 addresses survived the down (K1), IPv6 ones did not.
    restore_addresses(host.sock, at_home->index, original.name, original.name, addresses);
    if (original.up() != at_home->up()) set_link_up(host.sock, *at_home, original.up());
    NETDEV_LOG(info) << "restored on " << host.netns.label() << " as it was";
    return true;
}

std::vector<MovedDevice> execute_plan(const MovePlan& plan, NetnsEnd host, NetnsEnd container,
                                      const CommitStep& commit) {
    std::vector<JournalEntry> journal;
    journal.reserve(plan.moves.size());
    std::vector<MovedDevice> done;
    try {
        for (const DeviceMove& m : plan.moves) {
            NETDEV_LOG_DEVICE(m.request.host_name);
            journal.push_back({m, false, {}, {}});
            try {
                done.push_back(move_one(journal.back(), host, container));
            } catch (const HookError& e) {
                throw e.prefixed(m.request.host_name);
            }
        }
        if (commit) commit(done);
        return done;
    } catch (const std::exception& failure) {
        // Any failure, not only ours (bad_alloc too): nothing is left half-moved.
        const auto* hook_error = dynamic_cast<const HookError*>(&failure);
        std::string lost;
        for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
            if (!it->touched) continue;
            try {
                if (!return_home(it->move.host_link, it->addresses, host, {&container, false}))
                    throw HookError(ExitCode::restore_incomplete,
                                    "not found in " + host.netns.label() + " nor in " +
                                        container.netns.label());
                apply_settings(host.netns, it->move.host_link.name, it->settings);
            } catch (const std::exception& e) {
                lost += "; NOT RESTORED " + it->move.request.host_name + ": " + e.what();
            }
        }
        if (!lost.empty()) throw HookError(ExitCode::restore_incomplete, failure.what() + lost);
        throw HookError(ExitCode::failed_restored,
                        std::string(failure.what()) + " (all devices restored on the host)",
                        hook_error ? hook_error->sys_errno() : 0);
    }
}

}  // namespace netdev
