#pragma once
// Guardrails as data (docs/design.md, dranet): before any request is considered, the host links
// asked for that must never be handed out are marked once per run, each with the rule that
// guards it.
// The admin's policy is a separate layer (common/policy.hpp) that may lift some of them for
// named devices; loopback and netns-local devices cannot be lifted (the kernel refuses).
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "netdev/link.hpp"
#include "netdev/resolve.hpp"

namespace netdev {

enum class Guard {
    loopback,      // IFF_LOOPBACK
    netns_local,   // IFLA_NETNS_IMMUTABLE (K12), or a bridge on kernels without it
    uplink,        // carries a default route (IPv4 or IPv6, any table)
    uplink_stack,  // an uplink is built on it or it is built on an uplink
    port,          // a port of a bridge, bond or team (IFLA_MASTER, K14)
    lower,         // the lower device of another host link (macvlan, ipvlan, vlan: K14)
};

// "loopback", "netns-local", "uplink", "uplink-stack", "port", "lower": the names policy
// files and messages use.
const char* guard_name(Guard guard);
std::optional<Guard> guard_from_name(std::string_view name);
bool guard_can_be_lifted(Guard guard);

struct GuardReason {
    Guard guard;
    std::string why;  // "carries a default route", "port of br0", ...
};

struct HostView;  // what the set is built from: guardrails.cpp

class GuardedSet {
  public:
    // Built from every host link and the ifindexes default routes leave through.
    GuardedSet(const std::vector<LinkInfo>& links, const std::set<int>& default_route_devices);
    // Every reason `ifindex` is guarded, strongest first; empty when it is not.
    const std::vector<GuardReason>& reasons(int ifindex) const;

  private:
    friend GuardedSet host_guarded_set(NetlinkSocket& host,
                                       const std::vector<ResolvedDevice>& asked);
    GuardedSet() = default;
    void guard(const LinkInfo& link, HostView& host);  // every rule, for one device
    void add(int ifindex, Guard guard, std::string why);
    std::map<int, std::vector<GuardReason>> by_index_;
};

// The reasons of the devices `asked` that are on the host (their host_link, the device's own
// RTM_GETLINK: loopback, netns-local, master), once per run, from: one link dump without
// statistics read in place (what is built on each device, ports, stacks), one route dump per
// device of the asked devices' stacks, kernel-filtered by RTA_OIF (uplinks), and a lookup by
// ifindex per device a reason names. Other host links cost only their share of the link dump.
GuardedSet host_guarded_set(NetlinkSocket& host, const std::vector<ResolvedDevice>& asked);

// The per-container limit, checked before any lock or fd is taken: exit 3.
inline constexpr std::size_t kDefaultMaxDevices = 16;
void check_device_limit(std::size_t requested, std::size_t limit, const std::string& source);

}  // namespace netdev
