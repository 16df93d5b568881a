#include "common/escape.hpp"

namespace netdev {

std::string escape_control(std::string_view text) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b != 0x7f) {
            out += c;
            continue;
        }
        out += "\\x";
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

}  // namespace netdev
