#include "netdev/link.hpp"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"

namespace netdev {

// IFLA_NETNS_IMMUTABLE (K12), newer than the uapi headers we build with.
constexpr std::uint16_t kIflaNetnsImmutable = 67;

std::string mac_text(const std::vector<std::uint8_t>& mac) {
    std::string s;
    for (std::uint8_t b : mac) {
        if (!s.empty()) s += ':';
        append_hex(s, b);
    }
    return s;
}

namespace {

// Attribute callbacks run inside libmnl (C): they never throw, they note the first problem
// and stop the walk (MNL_CB_ERROR); the caller throws it.
struct LinkParse {
    LinkInfo link;
    std::string problem;
};

struct NestedStrings {
    std::uint16_t type;
    std::size_t max_bytes;  // with the NUL
    std::vector<std::string>& out;
    std::string& problem;
};

int parse_nested_strings(const nlattr* nest, NestedStrings want) {
    auto cb = [](const nlattr* attr, void* data) -> int {
        auto& w = *static_cast<NestedStrings*>(data);
        if (mnl_attr_get_type(attr) != w.type) return MNL_CB_OK;
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
            mnl_attr_get_payload_len(attr) > w.max_bytes) {
            w.problem = "nested string " + std::to_string(w.type) + " of " +
                        std::to_string(mnl_attr_get_payload_len(attr)) + " bytes";
            return MNL_CB_ERROR;
        }
        w.out.emplace_back(mnl_attr_get_str(attr));
        return MNL_CB_OK;
    };
    return mnl_attr_parse_nested(nest, cb, &want);
}

std::string attr_size_problem(const char* name, std::size_t len) {
    return std::string(name) + " of " + std::to_string(len) + " bytes";
}

std::string attr_problem(const nlattr* attr, const char* name) {
    return attr_size_problem(name, mnl_attr_get_payload_len(attr));
}

// IFLA_AF_SPEC: {AF_INET: {IFLA_INET_CONF: s32[]}, AF_INET6: {IFLA_INET6_CONF: s32[]}, ...}.
struct ConfParse {
    std::uint16_t type;
    std::vector<std::int32_t>& out;
};

int parse_af_spec(const nlattr* spec, LinkInfo& l) {
    auto family_cb = [](const nlattr* fam, void* data) -> int {
        auto& link = *static_cast<LinkInfo*>(data);
        std::uint16_t family = mnl_attr_get_type(fam);
        if (family != AF_INET && family != AF_INET6) return MNL_CB_OK;
        ConfParse want = family == AF_INET ? ConfParse{IFLA_INET_CONF, link.inet_conf}
                                           : ConfParse{IFLA_INET6_CONF, link.inet6_conf};
        auto conf_cb = [](const nlattr* a, void* d) -> int {
            auto& w = *static_cast<ConfParse*>(d);
            if (mnl_attr_get_type(a) != w.type) return MNL_CB_OK;
            std::size_t n = mnl_attr_get_payload_len(a) / sizeof(std::int32_t);
            w.out.resize(n);
            if (n) std::memcpy(w.out.data(), mnl_attr_get_payload(a), n * sizeof(std::int32_t));
            return MNL_CB_OK;
        };
        return mnl_attr_parse_nested(fam, conf_cb, &want);
    };
    return mnl_attr_parse_nested(spec, family_cb, &l);
}

int parse_link_attr(const nlattr* attr, void* data) {
    auto& p = *static_cast<LinkParse*>(data);
    LinkInfo& l = p.link;
    std::uint16_t type = mnl_attr_get_type(attr);
    std::size_t len = mnl_attr_get_payload_len(attr);
    switch (type) {
        case IFLA_IFNAME:
            if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 || len > IFNAMSIZ) break;
            l.name = mnl_attr_get_str(attr);
            return MNL_CB_OK;
        case IFLA_MTU:
            if (len != sizeof(std::uint32_t)) break;
            l.mtu = mnl_attr_get_u32(attr);
            return MNL_CB_OK;
        case IFLA_ADDRESS:
        case IFLA_PERM_ADDRESS: {
            if (len > MAX_ADDR_LEN) break;
            const auto* b = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
            (type == IFLA_ADDRESS ? l.mac : l.perm_mac).assign(b, b + len);
            return MNL_CB_OK;
        }
        case IFLA_MASTER:
        case IFLA_LINK:
            if (len != sizeof(std::uint32_t)) break;
            (type == IFLA_MASTER ? l.master : l.link) = static_cast<int>(mnl_attr_get_u32(attr));
            return MNL_CB_OK;
        case IFLA_LINK_NETNSID:
            l.link_elsewhere = true;
            return MNL_CB_OK;
        case kIflaNetnsImmutable:
            if (len != sizeof(std::uint8_t)) break;
            l.netns_immutable = mnl_attr_get_u8(attr) != 0;
            return MNL_CB_OK;
        case IFLA_PROP_LIST:
            return parse_nested_strings(attr,
                                        {IFLA_ALT_IFNAME, ALTIFNAMSIZ, l.altnames, p.problem});
        case IFLA_AF_SPEC:
            return parse_af_spec(attr, l);
        case IFLA_LINKINFO: {
            std::vector<std::string> kind;
            int rc = parse_nested_strings(attr, {IFLA_INFO_KIND, 64, kind, p.problem});
            if (!kind.empty()) l.kind = kind.front();
            return rc;
        }
        default:
            return MNL_CB_OK;
    }
    p.problem = attr_problem(attr, type == IFLA_IFNAME           ? "IFLA_IFNAME"
                                   : type == IFLA_MTU            ? "IFLA_MTU"
                                   : type == IFLA_MASTER         ? "IFLA_MASTER"
                                   : type == IFLA_LINK           ? "IFLA_LINK"
                                   : type == kIflaNetnsImmutable ? "IFLA_NETNS_IMMUTABLE"
                                                                 : "link-layer address");
    return MNL_CB_ERROR;
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
    int absent = sock.transact_expecting(msg, what, ENODEV, [&](const nlmsghdr& nlh) {
        if (nlh.nlmsg_type == RTM_NEWLINK) found = parse_link(nlh);
    });
    if (absent) return std::nullopt;
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
    const auto& ifi = payload_as<ifinfomsg>(nlh, "RTM_NEWLINK", "ifinfomsg");
    LinkParse p;
    p.link.index = ifi.ifi_index;
    p.link.flags = ifi.ifi_flags;
    if (mnl_attr_parse(&nlh, sizeof(ifinfomsg), parse_link_attr, &p) == MNL_CB_ERROR)
        throw_malformed("RTM_NEWLINK", p.problem.empty() ? "bad attribute" : p.problem);
    if (p.link.index <= 0 || p.link.name.empty())
        throw_malformed("RTM_NEWLINK", "no ifindex or no name");
    return std::move(p.link);
}

std::optional<LinkInfo> find_link_by_name(NetlinkSocket& sock, const std::string& name) {
    MessageBuilder msg(RTM_GETLINK, 0);
    put_ifinfo(msg, 0);
    // IFLA_IFNAME is at most 15 bytes (ERANGE beyond); a longer name can only be an altname,
    // up to 127 bytes, and is asked for as one (docs/kernel-facts.md K15).
    msg.put_string(name.size() > kMaxIfnameBytes ? IFLA_ALT_IFNAME : IFLA_IFNAME, name);
    return get_link(sock, msg, "look up link " + name);
}

std::optional<LinkInfo> find_link_by_index(NetlinkSocket& sock, int index) {
    MessageBuilder msg(RTM_GETLINK, 0);
    put_ifinfo(msg, index);
    return get_link(sock, msg, "look up link #" + std::to_string(index));
}

namespace {

// One `ip link show` dump without statistics; each RTM_NEWLINK to `on_link`.
void dump_links(NetlinkSocket& sock, const ReplyHandler& on_link) {
    MessageBuilder msg(RTM_GETLINK, NLM_F_DUMP);
    put_ifinfo(msg, 0);
    msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    sock.transact(msg, "list links", [&](const nlmsghdr& nlh) {
        if (nlh.nlmsg_type == RTM_NEWLINK) on_link(nlh);
    });
}

}  // namespace

std::vector<LinkInfo> list_links(NetlinkSocket& sock) {
    return retry_interrupted_dump([&] {
        std::vector<LinkInfo> links;
        dump_links(sock, [&](const nlmsghdr& nlh) { links.push_back(parse_link(nlh)); });
        return links;
    });
}

std::vector<LinkInfo> find_links_by_identity(NetlinkSocket& sock,
                                             const std::vector<std::uint8_t>& identity) {
    return retry_interrupted_dump([&] {
        std::vector<LinkInfo> found;
        dump_links(sock, [&](const nlmsghdr& nlh) {
            payload_as<ifinfomsg>(nlh, "RTM_NEWLINK", "ifinfomsg");
            std::span<const std::uint8_t> mac, perm;
            for_each_attribute(attributes_of(nlh, sizeof(ifinfomsg)),
                               [&](std::uint16_t type, std::span<const std::uint8_t> payload) {
                                   if (type == IFLA_ADDRESS) mac = payload;
                                   if (type == IFLA_PERM_ADDRESS) perm = payload;
                               });
            // As LinkInfo::identity(): the permanent MAC unless it is all zeros.
            bool has_perm = std::any_of(perm.begin(), perm.end(), [](auto b) { return b != 0; });
            std::span<const std::uint8_t> id = has_perm ? perm : mac;
            if (std::equal(id.begin(), id.end(), identity.begin(), identity.end()))
                found.push_back(parse_link(nlh));
        });
        return found;
    });
}

LinkEdges edges_of(const LinkInfo& l) {
    return {l.index, l.master, l.link, l.link_elsewhere, l.kind};
}

void walk_link_edges(NetlinkSocket& sock, const std::function<void(const LinkEdges&)>& f) {
    dump_links(sock, [&](const nlmsghdr& nlh) {
        LinkEdges l;
        l.index = payload_as<ifinfomsg>(nlh, "RTM_NEWLINK", "ifinfomsg").ifi_index;
        if (l.index <= 0) throw_malformed("RTM_NEWLINK", "no ifindex");
        // IFLA_MASTER, IFLA_LINK, IFLA_LINK_NETNSID and the kind only, read in place: this
        // runs for every host link.
        const char* bad = nullptr;
        std::size_t bad_len = 0;
        for_each_attribute(
            attributes_of(nlh, sizeof(ifinfomsg)), [&](std::uint16_t type, auto payload) {
                if (type == IFLA_MASTER || type == IFLA_LINK) {
                    std::uint32_t v = 0;
                    if (payload.size() != sizeof v) {
                        bad = type == IFLA_MASTER ? "IFLA_MASTER" : "IFLA_LINK";
                        bad_len = payload.size();
                        return;
                    }
                    std::memcpy(&v, payload.data(), sizeof v);
                    (type == IFLA_MASTER ? l.master : l.link) = static_cast<int>(v);
                } else if (type == IFLA_LINK_NETNSID) {
                    l.link_elsewhere = true;
                } else if (type == IFLA_LINKINFO) {
                    for_each_attribute(payload, [&](std::uint16_t t, auto kind) {
                        if (t == IFLA_INFO_KIND && !kind.empty() && kind.back() == 0)
                            l.kind = std::string_view(reinterpret_cast<const char*>(kind.data()));
                    });
                }
            });
        if (bad) throw_malformed("RTM_NEWLINK", attr_size_problem(bad, bad_len));
        f(l);
    });
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
