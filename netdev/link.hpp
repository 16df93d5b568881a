#pragma once
// Links over rtnetlink: look up, set up/down, move to another netns. Each function names its
// iproute2 equivalent.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netdev/netlink_socket.hpp"

namespace netdev {

struct LinkInfo {
    int index = 0;
    std::string name;
    unsigned flags = 0;  // IFF_*
    std::uint32_t mtu = 0;
    std::vector<std::uint8_t> mac;       // IFLA_ADDRESS
    std::vector<std::uint8_t> perm_mac;  // IFLA_PERM_ADDRESS: hardware's own, empty for veth
    std::vector<std::string> altnames;
    std::string kind;             // IFLA_INFO_KIND ("veth", "bridge"), empty for physical devices
    int master = 0;               // IFLA_MASTER: the bridge, bond or team it is a port of
    int link = 0;                 // IFLA_LINK: the lower device (macvlan, vlan) or a veth's peer
    bool link_elsewhere = false;  // IFLA_LINK_NETNSID: `link` is an ifindex of another netns
    // IFLA_NETNS_IMMUTABLE (K12): nullopt on kernels that do not report it.
    std::optional<bool> netns_immutable;
    // Its per-device settings as IFLA_AF_SPEC carries them (the values /proc/sys/net/*/conf/
    // DEV shows): IFLA_INET_CONF, IPV4_DEVCONF_x at x - 1; IFLA_INET6_CONF, DEVCONF_x at x.
    // Empty when the family is off or the kernel does not say.
    std::vector<std::int32_t> inet_conf;
    std::vector<std::int32_t> inet6_conf;
    // What it is, as selectors ("pci:0000:3b:02.1", "vf:ens5f0/3", "mac:..."), for policy
    // rules; filled on the host by selector.hpp's selectors_of, empty elsewhere.
    std::vector<std::string> selectors;

    bool up() const noexcept;
    // What identifies the device across moves and renames: the permanent MAC when it has
    // one (a container may change the current one), else the current MAC.
    const std::vector<std::uint8_t>& identity() const noexcept;
    // A veth whose peer, or a macvlan or vlan whose lower device, is in this same netns
    // (IFLA_LINK without IFLA_LINK_NETNSID): made where it is, never moved in from the host
    // with that other end.
    bool other_end_here() const noexcept { return link > 0 && link != index && !link_elsewhere; }
};

// "02:00:5e:10:00:01", for logs and messages.
std::string mac_text(const std::vector<std::uint8_t>& mac);

// Decodes an RTM_NEWLINK message; throws HookError (EBADMSG) when it is malformed.
LinkInfo parse_link(const nlmsghdr& nlh);

// `ip link show dev NAME`; also matches altnames (docs/kernel-facts.md K7), those over 15 bytes by
// IFLA_ALT_IFNAME (K15). nullopt on ENODEV.
std::optional<LinkInfo> find_link_by_name(NetlinkSocket& sock, const std::string& name);
// `ip link show` of one ifindex. nullopt on ENODEV.
std::optional<LinkInfo> find_link_by_index(NetlinkSocket& sock, int index);
// `ip link show`: every link of the netns, the dump retried when a concurrent change
// interrupts it (the guardrails read the host's once per run).
std::vector<LinkInfo> list_links(NetlinkSocket& sock);
// The links whose identity() is `identity`: one dump (retried when interrupted) in which only
// the MACs of each message are looked at where they lie; the matches are decoded whole.
std::vector<LinkInfo> find_links_by_identity(NetlinkSocket& sock,
                                             const std::vector<std::uint8_t>& identity);

// What the guardrails need of every host link, read in place: the stacking attributes,
// `kind` pointing into the message (valid only during the callback).
struct LinkEdges {
    int index = 0;
    int master = 0;               // IFLA_MASTER
    int link = 0;                 // IFLA_LINK
    bool link_elsewhere = false;  // IFLA_LINK_NETNSID
    std::string_view kind;        // IFLA_INFO_KIND
};
// The same fields of a decoded link.
LinkEdges edges_of(const LinkInfo& link);

// `ip link show` reduced to LinkEdges: ONE dump (SKIP_STATS, so each message is small), each
// message walked where it lies, nothing allocated per link; f is called per link. Throws
// HookError with EINTR when a change interrupted the dump: run it under
// retry_interrupted_dump() with fresh results. Malformed messages throw (EBADMSG).
void walk_link_edges(NetlinkSocket& sock, const std::function<void(const LinkEdges&)>& f);
// `ip link set dev X up|down`.
void set_link_up(NetlinkSocket& sock, const LinkInfo& link, bool up);
// `ip link set dev X name NEW` (the link must be down).
void rename_link(NetlinkSocket& sock, const LinkInfo& link, const std::string& new_name);
// `ip link set dev X mtu N`.
void set_link_mtu(NetlinkSocket& sock, const LinkInfo& link, std::uint32_t mtu);
// `ip link set dev X address MAC`.
void set_link_mac(NetlinkSocket& sock, const LinkInfo& link, const std::vector<std::uint8_t>& mac);
// `ip link set dev X master M` (`nomaster` for 0).
void set_link_master(NetlinkSocket& sock, const LinkInfo& link, int master);
// `ip link set dev X netns FD name NEW`: ONE RTM_NEWLINK with IFLA_NET_NS_FD + IFLA_IFNAME.
// Not atomic (docs/kernel-facts.md K2): on failure the device may already be in the target.
void move_link(NetlinkSocket& sock, const LinkInfo& link, int netns_fd, const std::string& label,
               const std::string& new_name);

}  // namespace netdev
