#include "hooks/device_whereabouts.hpp"

#include "common/audit.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "hooks/give_back.hpp"
#include "netdev/link.hpp"

namespace netdev {
namespace {

std::string g_initial_path = kInitialNetnsPath;
bool g_virtual_returns = false;  // InitialNetnsForTests

// The device `as_was` among the links of `sock`, by identity; its recorded ifindex first.
std::optional<LinkInfo> by_identity(NetlinkSocket& sock, const HostState& as_was) {
    std::optional<LinkInfo> found;
    for (LinkInfo& l : list_links(sock)) {
        if (l.identity() != as_was.identity) continue;
        if (!found || l.index == as_was.index) found = std::move(l);
    }
    return found;
}

// In the initial netns only what the kernel returns there: a physical device, by its own
// permanent MAC (a vlan or ipvlan has its lower device's MAC; bonds take a port's).
std::optional<LinkInfo> returned_to_initial(NetlinkSocket& sock, const HostState& as_was) {
    for (LinkInfo& l : list_links(sock)) {
        bool physical = l.kind.empty() && !l.perm_mac.empty() && l.perm_mac == as_was.identity;
        if (physical || (g_virtual_returns && l.identity() == as_was.identity)) return l;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Netns> initial_netns_besides(const Netns& self) {
    try {
        Netns initial = Netns::open_path(g_initial_path, "the initial netns");
        if (initial.id() == self.id()) return std::nullopt;
        return initial;
    } catch (const HookError& e) {
        NETDEV_LOG(debug) << "initial netns not looked at: " << e.what();
        return std::nullopt;
    }
}

InitialNetnsForTests::InitialNetnsForTests(std::string path) : saved_(std::move(g_initial_path)) {
    g_initial_path = std::move(path);
    g_virtual_returns = true;
}

InitialNetnsForTests::~InitialNetnsForTests() {
    g_initial_path = std::move(saved_);
    g_virtual_returns = false;
}

std::string describe_whereabouts(const ContainerRecord& rec, const StateDir& dir) {
    try {
        if (find_container_netns(rec, dir)) return "";
        Netns self = Netns::current();
        NetlinkSocket host = NetlinkSocket::open_in(self);
        std::optional<Netns> initial = initial_netns_besides(self);
        std::optional<NetlinkSocket> init_sock;
        if (initial) init_sock.emplace(NetlinkSocket::open_in(*initial));
        std::string s;
        for (const DeviceRecord& d : rec.devices) {
            if (d.phase == DevicePhase::planned) continue;  // never touched
            const HostState& h = d.host;
            std::string where;
            if (auto l = by_identity(host, h))
                where = l->name == h.name && l->index == h.index
                            ? "on the host"
                            : "on the host as " + l->name + " (ifindex " +
                                  std::to_string(l->index) + ")" +
                                  (initial ? "" : ": returned to the initial netns");
            else if (auto in_init = init_sock ? returned_to_initial(*init_sock, h) : std::nullopt)
                where = "returned to the initial netns as " + in_init->name +
                        " (not to the host netns it came from)";
            else
                where = "destroyed with its netns";
            s += "  " + h.name + ": " + where + "\n";
        }
        return s.empty() ? s : "  the container netns is gone; its devices now:\n" + s;
    } catch (const HookError& e) {
        return std::string("  where the devices are now: not known (") + e.what() + ")\n";
    }
}

std::optional<std::string> bring_back_from_initial(const HostState& as_was, NetnsEnd host) {
    std::optional<Netns> initial = initial_netns_besides(host.netns);
    if (!initial) return std::nullopt;
    NetlinkSocket sock = NetlinkSocket::open_in(*initial);
    std::optional<LinkInfo> there = returned_to_initial(sock, as_was);
    if (!there) return std::nullopt;
    std::string note = "returned to the initial netns as " + there->name;
    NETDEV_LOG(info) << as_was.name << ": " << note << "; bringing it back";
    // The very link found (its ifindex there): the dead container netns's names nothing here.
    NetnsEnd from{*initial, sock};
    if (!bring_back(as_was, host, &from, there->index))
        throw HookError(ExitCode::restore_incomplete, note + ", but not found to move back");
    return note + ", brought back";
}

std::string away_from_both(const HostState& as_was, NetnsEnd host, bool netns_gone,
                           const char* why) {
    if (std::optional<std::string> note = bring_back_from_initial(as_was, host)) {
        audit(as_was.name, "returned", std::string(why) + ", from the initial netns");
        return *note;
    }
    NETDEV_LOG(warning) << "not found anywhere: a virtual device (veth, macvlan) dies with its "
                           "container netns";
    return netns_gone ? "destroyed with its netns" : "found nowhere";
}

}  // namespace netdev
