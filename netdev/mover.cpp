#include "netdev/mover.hpp"

#include <linux/if.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/interrupts.hpp"
#include "common/logging.hpp"
#include "common/target_hold.hpp"
#include "netdev/allow_ipv6.hpp"
#include "netdev/device_settings.hpp"
#include "netdev/journal.hpp"

namespace netdev {
namespace {

// Finds a device in `end` by what it is: its ifindex (kept across moves unless taken there,
// K4) with the same identity MAC, else, with `scan`, by going through the links of `end`
// (K2: a failed move leaves the host name, so that name is preferred).
std::optional<LinkInfo> locate(NetnsEnd end, const HostState& dev, bool scan) {
    auto same = [&](const LinkInfo& l) { return l.identity() == dev.identity; };
    if (auto l = find_link_by_index(end.sock, dev.index); l && same(*l)) return l;
    if (!scan) return std::nullopt;
    std::optional<LinkInfo> found;
    for (LinkInfo& l : find_links_by_identity(end.sock, dev.identity))
        if (!found || l.name == dev.name) found = std::move(l);
    return found;
}

MovedDevice move_one(const DeviceMove& m, const HostState& as_was, NetnsEnd host,
                     NetnsEnd container, bool carry_l3) {
    const LinkInfo& link = m.host_link;
    const std::string& wanted = m.request.container_name;
    if (link.up()) set_link_up(host.sock, link, false);
    move_link(host.sock, link, container.netns.fd(), container.netns.label(), wanted);
    // K4: a %d template is resolved by the kernel; learn the real name from the device.
    std::optional<LinkInfo> moved = locate(container, as_was, is_name_template(wanted));
    if (!moved && !is_name_template(wanted)) moved = find_link_by_name(container.sock, wanted);
    if (!moved)
        throw HookError(ExitCode::failed_restored,
                        "moved but not found in " + container.netns.label());
    if (carry_l3) carry_settings(host.netns, container.netns, *moved, as_was.settings);
    allow_ipv6_for_addresses(container.netns, *moved, as_was.addresses);
    throw_if_interrupted();
    restore_addresses(container.sock, moved->index, link.name, moved->name, as_was.addresses);
    // runtime-spec "Network Devices": the runtime MUST set the device up.
    set_link_up(container.sock, *moved, true);
    // K13: the move deleted its routes; the kernel takes them only through a device that is up.
    if (carry_l3) restore_routes(container.sock, moved->index, moved->name, as_was.routes);
    NETDEV_LOG(info) << "moved to " << container.netns.label() << " as " << moved->name << " with "
                     << as_was.addresses.size() << " address(es)";
    return {{}, moved->name, moved->index};  // its host state is filled in at the commit
}

// The name check before a give-back: the device stays where it is rather than take another
// device's name.
void refuse_taken_name(const HostState& as_was, const LinkInfo& now, NetnsEnd host,
                       const std::string& where) {
    auto taker = find_link_by_name(host.sock, as_was.name);
    if (taker && taker->identity() != as_was.identity)
        throw HookError(ExitCode::restore_incomplete,
                        "its host name is taken by another device (ifindex " +
                            std::to_string(taker->index) + "); left as " + now.name + " in " +
                            where);
}

// On the host now (down after a move, K3): name, MAC, MTU, addresses, master, admin state.
void restore_in_place(const HostState& as_was, LinkInfo now, NetnsEnd home) {
    NetlinkSocket& host = home.sock;
    if (now.name != as_was.name || (!as_was.mac.empty() && now.mac != as_was.mac)) {
        // A rename, and most drivers' MAC change, need the link down.
        if (now.up()) set_link_up(host, now, false);
        now.flags &= ~static_cast<unsigned>(IFF_UP);
        if (now.name != as_was.name) rename_link(host, now, as_was.name);
        now.name = as_was.name;
        if (!as_was.mac.empty() && now.mac != as_was.mac) set_link_mac(host, now, as_was.mac);
    }
    if (now.mtu != as_was.mtu) set_link_mtu(host, now, as_was.mtu);
    // Back in its own netns it has that netns's defaults again (K13), like in the container.
    restore_settings(home.netns, now, as_was.settings);
    // Replace, not add: IPv4 addresses survived the down (K1), IPv6 ones did not.
    restore_addresses(host, now.index, as_was.name, as_was.name, as_was.addresses);
    if (now.master != as_was.master) {
        auto master = as_was.master ? find_link_by_index(host, as_was.master) : std::nullopt;
        if (as_was.master && !master)
            throw HookError(ExitCode::restore_incomplete,
                            "back as it was but not a port of its bridge (ifindex " +
                                std::to_string(as_was.master) + "): it is gone");
        set_link_master(host, now, as_was.master);
    }
    if (as_was.up != now.up()) set_link_up(host, now, as_was.up);
    // Routes went with the down or the move (K13); a down device has none to restore.
    if (as_was.up) restore_routes(host, now.index, as_was.name, as_was.routes);
}

// What cannot be carried is refused before the first change (routes.hpp check_routes).
void refuse_unrestorable_routes(const std::vector<HostState>& devices, NetnsEnd container) {
    bool any = std::any_of(devices.begin(), devices.end(),
                           [](const HostState& h) { return !h.routes.empty(); });
    if (!any) return;
    std::vector<RouteRecord> in_target = list_routes(container.sock);
    for (const HostState& h : devices)
        check_routes(h.routes, h.index, h.name, h.addresses, in_target);
}

}  // namespace

HostState snapshot_device(NetnsEnd host, const LinkInfo& link, bool with_l3) {
    HostState h;
    h.index = link.index;
    h.name = link.name;
    h.identity = link.identity();
    h.mac = link.mac;
    h.up = link.up();
    h.mtu = link.mtu;
    h.master = link.master;
    if (with_l3) {
        h.routes = host.routes ? dump_routes(*host.routes, link.index, link.name)
                               : dump_routes(host.sock, link.index, link.name);
        // K13: a change of netns resets per-device settings to the new netns's defaults.
        h.settings = device_settings(host.netns, link);
    }
    // Filtered in place: a second vector, grown by doubling, was a page fault per 4 KiB of
    // it at every start (a device's addresses come by the hundred).
    h.addresses = dump_addresses(host.sock, link.index, link.name);
    std::erase_if(h.addresses, [](const AddressRecord& a) {
        bool carried = is_carried(a);
        NETDEV_LOG(debug) << (carried ? "carry " : "leave ") << a.describe()
                          << (carried ? "" : " (not permanent and global)");
        return !carried;
    });
    return h;
}

bool bring_back(const HostState& as_was, NetnsEnd host, const NetnsEnd* container,
                int container_index) {
    NETDEV_LOG_DEVICE(as_was.name);
    std::optional<LinkInfo> now = locate(host, as_was, false);
    if (!now && container) {
        // An ifindex names one device of a netns; the hook's own record says it is ours.
        std::optional<LinkInfo> away;
        if (container_index) away = find_link_by_index(container->sock, container_index);
        if (!away) away = locate(*container, as_was, true);
        if (away && away->other_end_here())
            // The workload replaced the device with one of its own making (a veth whose peer
            // it keeps): giving that to the host would be a way into it.
            throw HookError(ExitCode::restore_incomplete,
                            away->name + " in " + container->netns.label() + " is a " +
                                (away->kind.empty() ? "device" : away->kind) +
                                " whose other end is in the container: not the device recorded, "
                                "left there");
        if (away) {
            refuse_taken_name(as_was, *away, host, container->netns.label());
            NETDEV_LOG(info) << "bringing back from " << container->netns.label() << " where it is "
                             << away->name;
            if (away->up()) set_link_up(container->sock, *away, false);
            move_link(container->sock, *away, host.netns.fd(), host.netns.label(), as_was.name);
            // Under its host name now, which no other device has (checked above).
            now = find_link_by_name(host.sock, as_was.name);
            if (!now)
                throw HookError(ExitCode::restore_incomplete,
                                "moved back but not found in " + host.netns.label());
        }
    }
    // The kernel returns a physical device to the host when its netns dies, under its
    // container name or dev%d, with a new ifindex if the old one was taken.
    if (!now) now = locate(host, as_was, true);
    if (!now) return false;
    if (now->name != as_was.name) refuse_taken_name(as_was, *now, host, host.netns.label());
    restore_in_place(as_was, std::move(*now), host);
    NETDEV_LOG(info) << "restored on " << host.netns.label() << " as it was";
    return true;
}

std::vector<MovedDevice> execute_plan(const MovePlan& plan, NetnsEnd host, NetnsEnd container,
                                      Journal& journal) {
    // K1: link-down deletes IPv6 addresses, so every snapshot comes before any change; and
    // the record of them is written before the first change too.
    std::vector<HostState> before;
    std::vector<std::string> requested;
    before.reserve(plan.moves.size());
    for (const DeviceMove& m : plan.moves) {
        NETDEV_LOG_DEVICE(m.request.host_name);
        before.push_back(snapshot_device(host, m.host_link));
        requested.push_back(m.request.requested);
    }
    if (plan.carry_l3) refuse_unrestorable_routes(before, container);
    throw_if_interrupted();
    journal.begin(before, requested);
    std::size_t touched = 0;
    std::vector<MovedDevice> done;
    try {
        for (std::size_t i = 0; i < plan.moves.size(); ++i) {
            const DeviceMove& m = plan.moves[i];
            NETDEV_LOG_DEVICE(m.request.host_name);
            try {
                throw_if_interrupted();
                journal.touching(i);
                touched = i + 1;
                done.push_back(move_one(m, before[i], host, container, plan.carry_l3));
                journal.configured(i, done.back().container_name, done.back().container_index);
            } catch (const HookError& e) {
                throw e.prefixed(m.request.host_name);
            }
        }
        throw_if_interrupted();
        throw_if_target_gone();  // the netns would die with the hook's fd: give back instead
        journal.commit();
        // Not needed for a rollback any more: moved, not copied (1024 addresses each).
        for (std::size_t i = 0; i < done.size(); ++i) done[i].host = std::move(before[i]);
        return done;
    } catch (const std::exception& failure) {
        // Any failure, not only ours (bad_alloc too): nothing is left half-moved.
        const auto* hook_error = dynamic_cast<const HookError*>(&failure);
        std::string lost;
        for (std::size_t i = touched; i-- > 0;) {
            try {
                int index = i < done.size() ? done[i].container_index : 0;
                if (!bring_back(before[i], host, &container, index))
                    throw HookError(ExitCode::restore_incomplete,
                                    "not found in " + host.netns.label() + " nor in " +
                                        container.netns.label());
            } catch (const std::exception& e) {
                lost += "; NOT RESTORED " + before[i].name + ": " + e.what();
            }
        }
        if (!lost.empty()) throw HookError(ExitCode::restore_incomplete, failure.what() + lost);
        journal.forget();
        throw HookError(ExitCode::failed_restored,
                        std::string(failure.what()) + " (all devices restored on the host)",
                        hook_error ? hook_error->sys_errno() : 0);
    }
}

}  // namespace netdev
