#pragma once
// A netlink attribute kept as it came from the kernel ({type, payload}), so addresses and
// routes are snapshotted, replayed and recorded the same way; and IP text for messages.
#include <cstdint>
#include <string>
#include <vector>

struct nlattr;

namespace netdev {

struct RawAttribute {
    std::uint16_t type;  // IFA_*, RTA_*
    std::vector<std::uint8_t> data;
};

// A copy of a netlink attribute as received.
RawAttribute raw_attribute(const nlattr* attr);

// The first attribute of `type`, or nullptr.
const RawAttribute* find_raw(const std::vector<RawAttribute>& attrs, std::uint16_t type);

// "192.0.2.1", "2001:db8::1"; "?" when `data` is not an address of `family`.
std::string ip_text(std::uint8_t family, const std::vector<std::uint8_t>& data);

// Whether `addr` lies in `prefix`/`prefix_len` (both raw addresses of one family).
bool prefix_contains(const std::vector<std::uint8_t>& prefix, unsigned prefix_len,
                     const std::vector<std::uint8_t>& addr);

}  // namespace netdev
