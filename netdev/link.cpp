#include "netdev/link.hpp"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cerrno>

#include "common/error.hpp"
#include "common/logging.hpp"

namespace netdev {
namespace {

// IFLA_NETNS_IMMUTABLE (K12), newer than the uapi headers we build with.
constexpr std::uint16_t kIflaNetnsImmutable = 67;

std::string mac_text(const std::vector<std::uint8_t>& mac) {
    static const char* hex = "0123456789abcdef";
    std::string s;
    for (std::uint8_t b : mac) {
        if (!s.empty()) s += ':';
        s += hex[b >> 4];
        s += hex[b & 15];
    }
    return s;
}

struct NestedStrings {
    std::uint16_t type;
    std::vector<std::string>& out;
};

void parse_nested_strings(const nlattr* nest, std::uint16_t type, std::vector<std::string>& out) {
    NestedStrings want{type, out};
    auto cb = [](const nlattr* attr, void* data) -> int {
        auto& w = *static_cast<NestedStrings*>(data);
        if (mnl_attr_get_type(attr) == w.type && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
            w.out.emplace_back(mnl_attr_get_str(attr));
        return MNL_CB_OK;
    };
    mnl_attr_parse_nested(nest, cb, &want);
}

ifinfomsg& put_ifinfo(MessageBuilder& msg, int index) {
    auto& ifi = msg.extra_header<ifinfomsg>();
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = index;
    return ifi;
}

// A lookup that returns nullopt when the kernel says the link does not exist.
std::optional<LinkInfo> get_link(NetlinkSocket& sock, MessageBuilder& msg,
                                 const std::string& what) {
    // Statistics are most of an RTM_NEWLINK reply and we never read them.
    msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    std::optional<LinkInfo> found;
    try {
        sock.transact(msg, what, [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_type == RTM_NEWLINK) found = parse_link(nlh);
        });
    } catch (const HookError& e) {
        if (e.sys_errno() == ENODEV) return std::nullopt;
        throw;
    }
    return found;
}

}  // namespace

bool LinkInfo::up() const noexcept {
    return flags & IFF_UP;
}

const std::vector<std::uint8_t>& LinkInfo::identity() const noexcept {
    bool has_perm = std::any_of(perm_mac.begin(), perm_mac.end(), [](auto b) { return b != 0; });
    return has_perm ? perm_mac : mac;
}

LinkInfo parse_link(const nlmsghdr& nlh) {
    LinkInfo link;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&nlh));
    link.index = ifi->ifi_index;
    link.flags = ifi->ifi_flags;
    auto cb = [](const nlattr* attr, void* data) -> int {
        auto& l = *static_cast<LinkInfo*>(data);
        switch (mnl_attr_get_type(attr)) {
            case IFLA_IFNAME:
                if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
                    l.name = mnl_attr_get_str(attr);
                break;
            case IFLA_MTU:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) l.mtu = mnl_attr_get_u32(attr);
                break;
            case IFLA_ADDRESS:
            case IFLA_PERM_ADDRESS: {
                const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
                auto& dest = mnl_attr_get_type(attr) == IFLA_ADDRESS ? l.mac : l.perm_mac;
                dest.assign(p, p + mnl_attr_get_payload_len(attr));
                break;
            }
            case IFLA_MASTER:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    l.master = static_cast<int>(mnl_attr_get_u32(attr));
                break;
            case IFLA_LINK:
                if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
                    l.link = static_cast<int>(mnl_attr_get_u32(attr));
                break;
            case IFLA_LINK_NETNSID:
                l.link_elsewhere = true;
                break;
            case kIflaNetnsImmutable:
                if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0)
                    l.netns_immutable = mnl_attr_get_u8(attr) != 0;
                break;
            case IFLA_PROP_LIST:
                parse_nested_strings(attr, IFLA_ALT_IFNAME, l.altnames);
                break;
            case IFLA_LINKINFO: {
                std::vector<std::string> kind;
                parse_nested_strings(attr, IFLA_INFO_KIND, kind);
                if (!kind.empty()) l.kind = kind.front();
                break;
            }
        }
        return MNL_CB_OK;
    };
    mnl_attr_parse(&nlh, sizeof(ifinfomsg), cb, &link);
    return link;
}

std::optional<LinkInfo> find_link_by_name(NetlinkSocket& sock, const std::string& name) {
    MessageBuilder msg(RTM_GETLINK, 0);
    put_ifinfo(msg, 0);
    msg.put_string(IFLA_IFNAME, name);
    return get_link(sock, msg, "look up link " + name);
}

std::optional<LinkInfo> find_link_by_index(NetlinkSocket& sock, int index) {
    MessageBuilder msg(RTM_GETLINK, 0);
    put_ifinfo(msg, index);
    return get_link(sock, msg, "look up link #" + std::to_string(index));
}

std::vector<LinkInfo> list_links(NetlinkSocket& sock) {
    MessageBuilder msg(RTM_GETLINK, NLM_F_DUMP);
    put_ifinfo(msg, 0);
    msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    std::vector<LinkInfo> links;
    sock.transact(msg, "list links", [&](const nlmsghdr& nlh) {
        if (nlh.nlmsg_type == RTM_NEWLINK) links.push_back(parse_link(nlh));
    });
    return links;
}

void set_link_up(NetlinkSocket& sock, const LinkInfo& link, bool up) {
    MessageBuilder msg(RTM_NEWLINK, 0);
    auto& ifi = put_ifinfo(msg, link.index);
    ifi.ifi_change = IFF_UP;
    ifi.ifi_flags = up ? IFF_UP : 0;
    NETDEV_LOG(debug) << "set " << link.name << " (#" << link.index << ") " << (up ? "up" : "down")
                      << " in " << sock.netns_label();
    sock.transact(msg, std::string("set ") + link.name + (up ? " up" : " down"));
}

void rename_link(NetlinkSocket& sock, const LinkInfo& link, const std::string& new_name) {
    MessageBuilder msg(RTM_NEWLINK, 0);
    put_ifinfo(msg, link.index);
    msg.put_string(IFLA_IFNAME, new_name);
    NETDEV_LOG(debug) << "rename " << link.name << " (#" << link.index << ") to " << new_name
                      << " in " << sock.netns_label();
    sock.transact(msg, "rename " + link.name + " to " + new_name);
}

void set_link_mtu(NetlinkSocket& sock, const LinkInfo& link, std::uint32_t mtu) {
    MessageBuilder msg(RTM_NEWLINK, 0);
    put_ifinfo(msg, link.index);
    msg.put_u32(IFLA_MTU, mtu);
    sock.transact(msg, "set " + link.name + " mtu " + std::to_string(mtu));
}

void set_link_mac(NetlinkSocket& sock, const LinkInfo& link, const std::vector<std::uint8_t>& mac) {
    MessageBuilder msg(RTM_NEWLINK, 0);
    put_ifinfo(msg, link.index);
    msg.put(IFLA_ADDRESS, mac);
    sock.transact(msg, "set " + link.name + " address " + mac_text(mac));
}

void set_link_master(NetlinkSocket& sock, const LinkInfo& link, int master) {
    MessageBuilder msg(RTM_NEWLINK, 0);
    put_ifinfo(msg, link.index);
    msg.put_u32(IFLA_MASTER, static_cast<std::uint32_t>(master));
    sock.transact(msg, "set " + link.name + " master #" + std::to_string(master));
}

void move_link(NetlinkSocket& sock, const LinkInfo& link, int netns_fd, const std::string& label,
               const std::string& new_name) {
    MessageBuilder msg(RTM_NEWLINK, 0);
    put_ifinfo(msg, link.index);
    msg.put_u32(IFLA_NET_NS_FD, static_cast<std::uint32_t>(netns_fd));
    msg.put_string(IFLA_IFNAME, new_name);
    NETDEV_LOG(debug) << "move " << link.name << " (#" << link.index << ", mac "
                      << mac_text(link.mac) << ", mtu " << link.mtu << ") from "
                      << sock.netns_label() << " to " << label << " as " << new_name;
    sock.transact(msg, "move " + link.name + " to " + label + " as " + new_name);
}

}  // namespace netdev
