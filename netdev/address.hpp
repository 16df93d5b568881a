#pragma once
// Interface addresses over rtnetlink: snapshot with every attribute, replay verbatim.
#include <cstdint>
#include <string>
#include <vector>

#include "netdev/netlink_socket.hpp"
#include "netdev/raw_attribute.hpp"

namespace netdev {

using AddressAttribute = RawAttribute;  // IFA_*

struct AddressRecord {
    std::uint8_t family = 0;
    std::uint8_t prefixlen = 0;
    std::uint8_t scope = 0;
    std::uint32_t flags = 0;  // IFA_FLAGS when present, else ifa_flags
    int index = 0;
    std::string label;                       // IFA_LABEL (IPv4 only)
    std::vector<AddressAttribute> replayed;  // what RTM_NEWADDR gets back, label aside

    // "192.0.2.1/24 peer 192.0.2.2 brd 192.0.2.255 label v0:1 flags 0x80", for logs and errors.
    std::string describe() const;
};

// Decodes an RTM_NEWADDR message; throws HookError (EBADMSG) when it is malformed.
AddressRecord parse_address(const nlmsghdr& nlh);

// The runtime-spec's selection ("Network Devices"): IFA_F_PERMANENT and RT_SCOPE_UNIVERSE.
bool is_carried(const AddressRecord& addr);

// `ip address show dev X`, kernel-filtered by ifindex (strict dump, docs/kernel-facts.md K11),
// retried when a concurrent change interrupts the dump.
std::vector<AddressRecord> dump_addresses(NetlinkSocket& sock, int index,
                                          const std::string& device);

// The IPv4 label for a device renamed from `old_name` to `new_name`: "v0:1" becomes "c0:1".
std::string relabel(const std::string& label, const std::string& old_name,
                    const std::string& new_name);

// `ip address replace ...` for each address on link `index` now named `name`, all requests in
// one datagram, then every ack read (docs/kernel-facts.md K10: batched restore).
void restore_addresses(NetlinkSocket& sock, int index, const std::string& old_name,
                       const std::string& name, const std::vector<AddressRecord>& addrs);

}  // namespace netdev
