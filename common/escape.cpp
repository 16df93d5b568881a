#include "common/escape.hpp"

#include "common/hex.hpp"

namespace netdev {

std::string escape_control(std::string_view text) {
    return escape_control_in_lines(text, false);
}

std::string escape_control_in_lines(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto b = static_cast<unsigned char>(c);
        if ((b >= 0x20 && b != 0x7f) || (keep_newlines && c == '\n')) {
            out += c;
            continue;
        }
        out += "\\x";
        append_hex(out, b);
    }
    return out;
}

}  // namespace netdev
