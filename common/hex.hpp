#pragma once
// Lower-case hex digits for bytes: MACs in lock names and messages, escaped control
// characters, the records' attributes.
#include <cstdint>
#include <span>
#include <string>

namespace netdev {

inline void append_hex(std::string& out, std::uint8_t b) {
    static constexpr char digits[] = "0123456789abcdef";
    out += digits[b >> 4];
    out += digits[b & 15];
}

// Many bytes at once, written in place (the record of a device with 1024 addresses is
// mostly hex: netdev/records.cpp).
inline void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::size_t at = out.size();
    out.resize(at + 2 * bytes.size());
    char* d = out.data() + at;
    for (std::uint8_t b : bytes) {
        *d++ = digits[b >> 4];
        *d++ = digits[b & 15];
    }
}

inline std::string hex_string(std::span<const std::uint8_t> bytes) {
    std::string s;
    append_hex(s, bytes);
    return s;
}

}  // namespace netdev
