#pragma once
// Lower-case hex digits for bytes: MACs in lock names, escaped control characters.
#include <cstdint>
#include <span>
#include <string>

namespace netdev {

inline void append_hex(std::string& out, std::uint8_t b) {
    static constexpr char digits[] = "0123456789abcdef";
    out += digits[b >> 4];
    out += digits[b & 15];
}

inline std::string hex_string(std::span<const std::uint8_t> bytes) {
    std::string s;
    s.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) append_hex(s, b);
    return s;
}

}  // namespace netdev
