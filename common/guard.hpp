#pragma once
// The guardrails by name: what policy files, messages and the audit call them. What each one
// guards is decided in netdev/guardrails.hpp; the policy (common/policy.hpp) only names them.
#include <optional>
#include <string_view>

namespace netdev {

enum class Guard {
    loopback,      // IFF_LOOPBACK
    netns_local,   // IFLA_NETNS_IMMUTABLE (K12), or a bridge on kernels without it
    uplink,        // carries a default route (IPv4 or IPv6, any table)
    uplink_stack,  // an uplink is built on it or it is built on an uplink
    port,          // a port of a bridge, bond or team (IFLA_MASTER, K14)
    lower,         // the lower device of another host link (macvlan, ipvlan, vlan: K14)
};

// "loopback", "netns-local", "uplink", "uplink-stack", "port", "lower".
const char* guard_name(Guard guard);
std::optional<Guard> guard_from_name(std::string_view name);
// Loopback and netns-local devices cannot be lifted: the kernel refuses to move them.
bool guard_can_be_lifted(Guard guard);

}  // namespace netdev
