#include "netdev/raw_attribute.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>

namespace netdev {

RawAttribute raw_attribute(const nlattr* attr) {
    const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
    return {mnl_attr_get_type(attr), std::span(p, mnl_attr_get_payload_len(attr))};
}

const RawAttribute* find_raw(const std::vector<RawAttribute>& attrs, std::uint16_t type) {
    for (const RawAttribute& a : attrs)
        if (a.type == type) return &a;
    return nullptr;
}

std::string ip_text(std::uint8_t family, std::span<const std::uint8_t> data) {
    char buf[INET6_ADDRSTRLEN] = "?";
    if ((family == AF_INET && data.size() == 4) || (family == AF_INET6 && data.size() == 16))
        inet_ntop(family, data.data(), buf, sizeof buf);
    return buf;
}

bool prefix_contains(std::span<const std::uint8_t> prefix, unsigned prefix_len,
                     std::span<const std::uint8_t> addr) {
    if (prefix.size() != addr.size() || prefix_len > 8 * addr.size()) return false;
    unsigned whole = prefix_len / 8, rest = prefix_len % 8;
    for (unsigned i = 0; i < whole; ++i)
        if (prefix[i] != addr[i]) return false;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (prefix[whole] & mask) == (addr[whole] & mask);
}

}  // namespace netdev
