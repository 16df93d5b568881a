#include "netdev/address.hpp"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>
#include <span>

#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"

namespace netdev {
namespace {

// Flags a user sets (ip address add ... nodad noprefixroute ...); the rest (secondary,
// tentative, deprecated, permanent, dadfailed) the kernel derives again on its own.
constexpr std::uint32_t kReplayedFlags = IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_HOMEADDRESS |
                                         IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE |
                                         IFA_F_MCAUTOJOIN;

// Attributes carried verbatim. IFA_CACHEINFO keeps the lifetimes (the kernel reads only
// ifa_valid/ifa_prefered); IFA_LABEL is rewritten; the rest is state, not configuration.
bool is_replayed(std::uint16_t type) {
    switch (type) {
        case IFA_ADDRESS:
        case IFA_LOCAL:
        case IFA_BROADCAST:
        case IFA_CACHEINFO:
        case IFA_RT_PRIORITY:
        case IFA_PROTO:
            return true;
        default:
            return false;
    }
}

constexpr std::uint32_t kInfinite = 0xFFFFFFFF;  // the kernel's INFINITY_LIFE_TIME
constexpr std::size_t kAddressesExpected = 256;

// Lifetimes: none needed when both are infinite (what an address gets without IFA_CACHEINFO).
// For permanent IPv4 addresses the kernel reports infinite lifetimes even when the address
// is deprecated (preferred_lft 0); the IFA_F_DEPRECATED flag is the only trace, so it is
// turned back into a preferred lifetime of 0 here.
void put_lifetimes(MessageBuilder& msg, const AddressRecord& a) {
    ifa_cacheinfo ci{kInfinite, kInfinite, 0, 0};
    for (const AddressAttribute& attr : a.replayed)
        if (attr.type == IFA_CACHEINFO && attr.data.size() >= sizeof ci)
            std::memcpy(&ci, attr.data.data(), sizeof ci);
    if (a.flags & IFA_F_DEPRECATED) ci.ifa_prefered = 0;
    if (ci.ifa_valid == kInfinite && ci.ifa_prefered == kInfinite) return;
    ci.cstamp = ci.tstamp = 0;
    msg.put(IFA_CACHEINFO, {reinterpret_cast<const std::uint8_t*>(&ci), sizeof ci});
}

// The payload length an attribute must have, 0 for any. Replayed attributes go back to the
// kernel verbatim, so a wrong size is caught here, not in a later restore.
std::size_t expected_len(std::uint16_t type, std::uint8_t family) {
    switch (type) {
        case IFA_ADDRESS:
        case IFA_LOCAL:
        case IFA_BROADCAST:
            return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
        case IFA_CACHEINFO:
            return sizeof(ifa_cacheinfo);
        case IFA_RT_PRIORITY:
        case IFA_FLAGS:
            return sizeof(std::uint32_t);
        case IFA_PROTO:
            return 1;
        default:
            return 0;
    }
}

// One attribute of an RTM_NEWADDR into `rec`; an error text when its size is wrong.
std::string take_address_attr(AddressRecord& rec, std::uint16_t type,
                              std::span<const std::uint8_t> payload) {
    std::size_t want = expected_len(type, rec.family);
    bool bad_label =
        type == IFA_LABEL && (payload.empty() || payload.back() != 0 || payload.size() > IFNAMSIZ);
    if ((want && payload.size() != want) || bad_label)
        return "attribute " + std::to_string(type) + " of " + std::to_string(payload.size()) +
               " bytes (family " + std::to_string(rec.family) + ")";
    if (type == IFA_FLAGS)  // the full 32 bits; ifa_flags holds 8
        std::memcpy(&rec.flags, payload.data(), sizeof rec.flags);
    else if (type == IFA_LABEL)
        rec.label = reinterpret_cast<const char*>(payload.data());  // NUL-ended, checked
    else if (is_replayed(type))
        rec.replayed.push_back({type, payload});
    return {};
}

const AddressAttribute* find_attr(const AddressRecord& a, std::uint16_t type) {
    return find_raw(a.replayed, type);
}

}  // namespace

std::string AddressRecord::describe() const {
    const AddressAttribute* local = find_attr(*this, IFA_LOCAL);
    const AddressAttribute* address = find_attr(*this, IFA_ADDRESS);
    const AddressAttribute* main = local ? local : address;
    std::string s = main ? ip_text(family, main->data) : std::string("?");
    s += '/';  // appended piecewise: "/" + std::string trips GCC 12's -Wrestrict (bug 105651)
    s += std::to_string(prefixlen);
    if (local && address && local->data != address->data)
        s += " peer " + ip_text(family, address->data);
    if (const AddressAttribute* brd = find_attr(*this, IFA_BROADCAST))
        s += " brd " + ip_text(family, brd->data);
    if (!label.empty()) s += " label " + label;
    char hex[16];
    snprintf(hex, sizeof hex, "0x%x", flags);
    return s + " scope " + std::to_string(scope) + " flags " + hex;
}

AddressRecord parse_address(const nlmsghdr& nlh) {
    const auto& ifa = payload_as<ifaddrmsg>(nlh, "RTM_NEWADDR", "ifaddrmsg");
    AddressRecord rec;
    rec.replayed.reserve(4);  // address, local, cacheinfo, proto: no regrowth per address
    rec.family = ifa.ifa_family;
    rec.prefixlen = ifa.ifa_prefixlen;
    rec.scope = ifa.ifa_scope;
    rec.flags = ifa.ifa_flags;
    rec.index = static_cast<int>(ifa.ifa_index);
    // The inlined walk (netlink_message.hpp), not mnl_attr_parse's call per attribute: a
    // device's addresses are parsed by the hundred on every run.
    std::string problem;
    for_each_attribute(attributes_of(nlh, sizeof(ifaddrmsg)), [&](std::uint16_t type, auto data) {
        if (problem.empty()) problem = take_address_attr(rec, type, data);
    });
    if (!problem.empty()) throw_malformed("RTM_NEWADDR", problem);
    return rec;
}

bool is_carried(const AddressRecord& addr) {
    return (addr.flags & IFA_F_PERMANENT) && addr.scope == RT_SCOPE_UNIVERSE;
}

std::vector<AddressRecord> dump_addresses(NetlinkSocket& sock, int index,
                                          const std::string& device) {
    return retry_interrupted_dump([&] {
        MessageBuilder msg(RTM_GETADDR, NLM_F_DUMP);
        auto& ifa = msg.extra_header<ifaddrmsg>();
        ifa.ifa_family = AF_UNSPEC;
        ifa.ifa_index = static_cast<std::uint32_t>(index);
        std::vector<AddressRecord> out;
        // Room for a node's usual device without regrowth, each of which copied the whole
        // vector and touched new pages; capacity never written costs no page.
        out.reserve(kAddressesExpected);
        sock.transact(msg, "list addresses of " + device, [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_type != RTM_NEWADDR) return;
            AddressRecord a = parse_address(nlh);
            // Without strict checking (kernels before 4.20, NetlinkFeatures) the dump holds
            // every device's addresses: the filter is applied here in any case.
            if (a.index == index) out.push_back(std::move(a));
        });
        return out;
    });
}

std::string relabel(const std::string& label, const std::string& old_name,
                    const std::string& new_name) {
    if (label.compare(0, old_name.size(), old_name) == 0)
        return new_name + label.substr(old_name.size());
    // A label that never matched its device (the kernel allows it, K8): keep its suffix.
    auto colon = label.find(':');
    return colon == std::string::npos ? new_name : new_name + label.substr(colon);
}

void restore_addresses(NetlinkSocket& sock, int index, const std::string& old_name,
                       const std::string& name, const std::vector<AddressRecord>& addrs) {
    if (addrs.empty()) return;
    MessageBatch batch;
    batch.reserve(addrs.size() * 96);  // most requests are 60-110 bytes
    // Most addresses of a device carry the same label (its name): relabelled once.
    std::string label_was, label;
    for (const AddressRecord& a : addrs) {
        // REPLACE makes a re-run harmless: an address already there is updated, not refused.
        MessageBuilder msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
        auto& ifa = msg.extra_header<ifaddrmsg>();
        ifa.ifa_family = a.family;
        ifa.ifa_prefixlen = a.prefixlen;
        ifa.ifa_scope = a.scope;
        ifa.ifa_flags = static_cast<std::uint8_t>(a.flags & kReplayedFlags);
        ifa.ifa_index = static_cast<std::uint32_t>(index);
        for (const AddressAttribute& attr : a.replayed)
            if (attr.type != IFA_CACHEINFO) msg.put(attr.type, attr.data);
        put_lifetimes(msg, a);
        msg.put_u32(IFA_FLAGS, a.flags & kReplayedFlags);
        if (!a.label.empty()) {
            if (a.label != label_was) label = relabel(label_was = a.label, old_name, name);
            if (label.size() > kMaxIfnameBytes)
                throw HookError(ExitCode::failed_restored, "restore " + a.describe() + " on " +
                                                               name + ": label " + label +
                                                               " would exceed 15 bytes");
            msg.put_string(IFA_LABEL, label);
        }
        NETDEV_LOG(debug) << "restore " << a.describe() << " on " << name << " (#" << index
                          << ") in " << sock.netns_label();
        batch.add(msg);
    }
    sock.transact(batch, "restore " + std::to_string(addrs.size()) + " address(es) on " + name, {},
                  [&](std::size_t i) { return addrs[i].describe(); });
}

}  // namespace netdev
