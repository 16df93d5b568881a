#pragma once
// Lower-case hex digits for bytes: MACs in lock names and messages, escaped control
// characters, the records' attributes.
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace netdev {

inline void append_hex(std::string& out, std::uint8_t b) {
    static constexpr char digits[] = "0123456789abcdef";
    out += digits[b >> 4];
    out += digits[b & 15];
}

// Many bytes at once into `out`, which has room for 2 per byte; returns the end. One store
// a byte (the record of a device with 1024 addresses is mostly hex: netdev/records.cpp).
inline char* write_hex(char* out, std::span<const std::uint8_t> bytes) {
    static constexpr auto pairs = [] {
        std::array<char, 512> p{};
        for (int b = 0; b < 256; ++b) {
            p[2 * b] = "0123456789abcdef"[b >> 4];
            p[2 * b + 1] = "0123456789abcdef"[b & 15];
        }
        return p;
    }();
    for (std::uint8_t b : bytes) {
        std::memcpy(out, &pairs[2 * b], 2);
        out += 2;
    }
    return out;
}

inline void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
    std::size_t at = out.size();
    out.resize(at + 2 * bytes.size());
    write_hex(out.data() + at, bytes);
}

inline std::string hex_string(std::span<const std::uint8_t> bytes) {
    std::string s;
    append_hex(s, bytes);
    return s;
}

}  // namespace netdev
