#include "netdev/device_settings.hpp"

#include <linux/ip.h>
#include <linux/ipv6.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/proc_sys.hpp"

namespace netdev {
namespace {

struct Known {
    const char* family;
    const char* name;
    int conf_index;  // in LinkInfo::inet_conf or inet6_conf (IFLA_AF_SPEC)
};

// What ip-sysctl.rst documents per device and an administrator tunes; counters, the IPv6 mtu
// (it follows the link MTU, which travels) and disable_ipv6 (allow_ipv6.hpp, which decides
// from the device's lookup before these are carried) are left out.
constexpr Known kSettings[] = {
    {"ipv4", "forwarding", IPV4_DEVCONF_FORWARDING - 1},
    {"ipv4", "rp_filter", IPV4_DEVCONF_RP_FILTER - 1},
    {"ipv4", "arp_ignore", IPV4_DEVCONF_ARP_IGNORE - 1},
    {"ipv4", "arp_announce", IPV4_DEVCONF_ARP_ANNOUNCE - 1},
    {"ipv4", "arp_filter", IPV4_DEVCONF_ARPFILTER - 1},
    {"ipv4", "arp_accept", IPV4_DEVCONF_ARP_ACCEPT - 1},
    {"ipv4", "arp_notify", IPV4_DEVCONF_ARP_NOTIFY - 1},
    {"ipv4", "proxy_arp", IPV4_DEVCONF_PROXY_ARP - 1},
    {"ipv4", "proxy_arp_pvlan", IPV4_DEVCONF_PROXY_ARP_PVLAN - 1},
    {"ipv4", "accept_redirects", IPV4_DEVCONF_ACCEPT_REDIRECTS - 1},
    {"ipv4", "secure_redirects", IPV4_DEVCONF_SECURE_REDIRECTS - 1},
    {"ipv4", "send_redirects", IPV4_DEVCONF_SEND_REDIRECTS - 1},
    {"ipv4", "shared_media", IPV4_DEVCONF_SHARED_MEDIA - 1},
    {"ipv4", "accept_source_route", IPV4_DEVCONF_ACCEPT_SOURCE_ROUTE - 1},
    {"ipv4", "accept_local", IPV4_DEVCONF_ACCEPT_LOCAL - 1},
    {"ipv4", "route_localnet", IPV4_DEVCONF_ROUTE_LOCALNET - 1},
    {"ipv4", "src_valid_mark", IPV4_DEVCONF_SRC_VMARK - 1},
    {"ipv4", "log_martians", IPV4_DEVCONF_LOG_MARTIANS - 1},
    {"ipv4", "bootp_relay", IPV4_DEVCONF_BOOTP_RELAY - 1},
    {"ipv4", "promote_secondaries", IPV4_DEVCONF_PROMOTE_SECONDARIES - 1},
    {"ipv4", "ignore_routes_with_linkdown", IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN - 1},
    {"ipv4", "drop_gratuitous_arp", IPV4_DEVCONF_DROP_GRATUITOUS_ARP - 1},
    {"ipv4", "drop_unicast_in_l2_multicast", IPV4_DEVCONF_DROP_UNICAST_IN_L2_MULTICAST - 1},
    {"ipv6", "forwarding", DEVCONF_FORWARDING},
    {"ipv6", "accept_ra", DEVCONF_ACCEPT_RA},
    {"ipv6", "accept_ra_defrtr", DEVCONF_ACCEPT_RA_DEFRTR},
    {"ipv6", "accept_ra_pinfo", DEVCONF_ACCEPT_RA_PINFO},
    {"ipv6", "accept_ra_rtr_pref", DEVCONF_ACCEPT_RA_RTR_PREF},
    {"ipv6", "accept_ra_mtu", DEVCONF_ACCEPT_RA_MTU},
    {"ipv6", "autoconf", DEVCONF_AUTOCONF},
    {"ipv6", "accept_dad", DEVCONF_ACCEPT_DAD},
    {"ipv6", "dad_transmits", DEVCONF_DAD_TRANSMITS},
    {"ipv6", "optimistic_dad", DEVCONF_OPTIMISTIC_DAD},
    {"ipv6", "accept_redirects", DEVCONF_ACCEPT_REDIRECTS},
    {"ipv6", "accept_source_route", DEVCONF_ACCEPT_SOURCE_ROUTE},
    {"ipv6", "use_tempaddr", DEVCONF_USE_TEMPADDR},
    {"ipv6", "hop_limit", DEVCONF_HOPLIMIT},
    {"ipv6", "router_solicitations", DEVCONF_RTR_SOLICITS},
    {"ipv6", "addr_gen_mode", DEVCONF_ADDR_GEN_MODE},
    {"ipv6", "keep_addr_on_down", DEVCONF_KEEP_ADDR_ON_DOWN},
    {"ipv6", "ignore_routes_with_linkdown", DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN},
    {"ipv6", "proxy_ndp", DEVCONF_PROXY_NDP},
    {"ipv6", "drop_unsolicited_na", DEVCONF_DROP_UNSOLICITED_NA},
    {"ipv6", "ndisc_notify", DEVCONF_NDISC_NOTIFY},
};

std::optional<std::string> reported_value(const Known& k, const LinkInfo& link) {
    const auto& conf = k.family == std::string_view("ipv4") ? link.inet_conf : link.inet6_conf;
    auto i = static_cast<std::size_t>(k.conf_index);
    if (i >= conf.size()) return std::nullopt;
    return std::to_string(conf[i]);
}

}  // namespace

std::vector<DeviceSetting> reported_settings(const LinkInfo& link) {
    std::vector<DeviceSetting> out;
    for (const Known& k : kSettings)
        if (auto v = reported_value(k, link)) out.push_back({k.family, k.name, *v});
    return out;
}

std::vector<DeviceSetting> changed_settings(const Netns& ns, const LinkInfo& link) {
    std::vector<DeviceSetting> out;
    SysctlSession sysctl(ns);
    for (const Known& k : kSettings) {
        // The device's value from its RTM_GETLINK, the netns default from /proc (netlink has
        // no full copy of conf/default). Absent: this kernel (or this netns, IPv6 off) has no
        // such setting.
        std::optional<std::string> reported = reported_value(k, link);
        std::string value =
            reported ? *reported
                     : sysctl.read_if_present({k.family, link.name, k.name}).value_or("");
        if (value.empty() ||
            value == sysctl.read_if_present({k.family, "default", k.name}).value_or(""))
            continue;
        NETDEV_LOG(debug) << "carry " << k.family << "/" << k.name << " = " << value << " of "
                          << link.name;
        out.push_back({k.family, k.name, value});
    }
    return out;
}

void apply_settings(const Netns& ns, const std::string& device,
                    const std::vector<DeviceSetting>& settings) {
    if (settings.empty()) return;
    SysctlSession sysctl(ns);
    for (const DeviceSetting& s : settings) {
        NETDEV_LOG(debug) << "set " << s.family << "/" << s.name << " = " << s.value << " on "
                          << device << " in " << ns.label();
        sysctl.write({s.family, device, s.name}, s.value);
    }
}

std::vector<DeviceSetting> device_settings(const Netns& ns, const LinkInfo& link) {
    std::vector<DeviceSetting> all = reported_settings(link);
    return all.empty() ? changed_settings(ns, link) : all;
}

namespace {

// The entry of kSettings for `s`, or nullptr: looked for at `hint` first, where it is when
// the list is all of kSettings in order, as reported_settings() makes it (a record of
// changed_settings() holds fewer, and is searched).
const Known* known(const DeviceSetting& s, std::size_t hint) {
    auto is = [&](const Known& k) { return s.name == k.name && s.family == k.family; };
    if (hint < std::size(kSettings) && is(kSettings[hint])) return &kSettings[hint];
    auto it = std::find_if(std::begin(kSettings), std::end(kSettings), is);
    return it == std::end(kSettings) ? nullptr : it;
}

// The settings of `as_was` whose value `now` does not have (read from its RTM_GETLINK, or
// from /proc in `ns` where that does not carry it).
std::vector<DeviceSetting> differing(const Netns& ns, const LinkInfo& now,
                                     const std::vector<DeviceSetting>& as_was) {
    std::vector<DeviceSetting> out;
    std::optional<SysctlSession> sysctl;
    for (std::size_t i = 0; i < as_was.size(); ++i) {
        const DeviceSetting& s = as_was[i];
        const Known* k = known(s, i);
        std::optional<std::string> value = k ? reported_value(*k, now) : std::nullopt;
        if (!value) {
            if (!sysctl) sysctl.emplace(ns);
            value = sysctl->read_if_present({s.family, now.name, s.name});
        }
        if (value != s.value) out.push_back(s);
    }
    return out;
}

}  // namespace

void carry_settings(const Netns& home, const Netns& target, const LinkInfo& now,
                    const std::vector<DeviceSetting>& as_was) {
    std::vector<DeviceSetting> wanted = differing(target, now, as_was);
    if (wanted.empty()) return;
    {
        // A value equal to the host's default is not the admin's: the target's stays.
        SysctlSession sysctl(home);
        std::erase_if(wanted, [&](const DeviceSetting& s) {
            return sysctl.read_if_present({s.family, "default", s.name}) == s.value;
        });
    }
    apply_settings(target, now.name, wanted);
}

void restore_settings(const Netns& home, const LinkInfo& now,
                      const std::vector<DeviceSetting>& as_was) {
    apply_settings(home, now.name, differing(home, now, as_was));
}

}  // namespace netdev
