#include "netdev/device_settings.hpp"

#include <cerrno>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/proc_sys.hpp"

namespace netdev {
namespace {

struct Known {
    const char* family;
    const char* name;
};

// What ip-sysctl.rst documents per device and an administrator tunes; counters, the IPv6 mtu
// (it follows the link MTU, which travels) and disable_ipv6 (allow_ipv6.hpp) are left out.
constexpr Known kSettings[] = {
    {"ipv4", "forwarding"},
    {"ipv4", "rp_filter"},
    {"ipv4", "arp_ignore"},
    {"ipv4", "arp_announce"},
    {"ipv4", "arp_filter"},
    {"ipv4", "arp_accept"},
    {"ipv4", "arp_notify"},
    {"ipv4", "proxy_arp"},
    {"ipv4", "proxy_arp_pvlan"},
    {"ipv4", "accept_redirects"},
    {"ipv4", "secure_redirects"},
    {"ipv4", "send_redirects"},
    {"ipv4", "shared_media"},
    {"ipv4", "accept_source_route"},
    {"ipv4", "accept_local"},
    {"ipv4", "route_localnet"},
    {"ipv4", "src_valid_mark"},
    {"ipv4", "log_martians"},
    {"ipv4", "bootp_relay"},
    {"ipv4", "promote_secondaries"},
    {"ipv4", "ignore_routes_with_linkdown"},
    {"ipv4", "drop_gratuitous_arp"},
    {"ipv4", "drop_unicast_in_l2_multicast"},
    {"ipv6", "forwarding"},
    {"ipv6", "accept_ra"},
    {"ipv6", "accept_ra_defrtr"},
    {"ipv6", "accept_ra_pinfo"},
    {"ipv6", "accept_ra_rtr_pref"},
    {"ipv6", "accept_ra_mtu"},
    {"ipv6", "autoconf"},
    {"ipv6", "accept_dad"},
    {"ipv6", "dad_transmits"},
    {"ipv6", "optimistic_dad"},
    {"ipv6", "accept_redirects"},
    {"ipv6", "accept_source_route"},
    {"ipv6", "use_tempaddr"},
    {"ipv6", "hop_limit"},
    {"ipv6", "router_solicitations"},
    {"ipv6", "addr_gen_mode"},
    {"ipv6", "keep_addr_on_down"},
    {"ipv6", "ignore_routes_with_linkdown"},
    {"ipv6", "proxy_ndp"},
    {"ipv6", "drop_unsolicited_na"},
    {"ipv6", "ndisc_notify"},
};

}  // namespace

std::vector<DeviceSetting> changed_settings(const Netns& ns, const std::string& device) {
    std::vector<DeviceSetting> out;
    SysctlSession sysctl(ns);
    for (const Known& k : kSettings) {
        // Absent: this kernel (or this netns, IPv6 off) has no such setting.
        std::string value = sysctl.read_if_present({k.family, device, k.name}).value_or("");
        if (value.empty() ||
            value == sysctl.read_if_present({k.family, "default", k.name}).value_or(""))
            continue;
        NETDEV_LOG(debug) << "carry " << k.family << "/" << k.name << " = " << value << " of "
                          << device;
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

}  // namespace netdev
