#include "common/ifname.hpp"

namespace netdev {
namespace {

// '/', ':', whitespace and NUL as dev_valid_name() sees them; `colon_ok` for altnames.
std::optional<std::string> bad_character(std::string_view name, bool colon_ok) {
    for (char c : name) {
        if (c == '/' || (c == ':' && !colon_ok)) return std::string("contains '") + c + "'";
        if (is_kernel_space(c)) return "contains whitespace";
        // A NUL would silently truncate the name the kernel sees.
        if (c == '\0') return "contains a NUL byte";
    }
    return std::nullopt;
}

}  // namespace

bool is_kernel_space(char c) {
    auto u = static_cast<unsigned char>(c);
    return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xA0;
}

bool is_name_template(std::string_view name) {
    return name.find('%') != std::string_view::npos;
}

std::optional<std::string> ifname_problem(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.size() > kMaxIfnameBytes)
        return "is " + std::to_string(name.size()) + " bytes long, the kernel allows at most 15";
    if (name == "." || name == "..") return "is reserved";
    if (auto bad = bad_character(name, false)) return bad;
    // __dev_alloc_name: one '%', and it must be followed by 'd'.
    auto pct = name.find('%');
    if (pct != std::string_view::npos) {
        if (pct + 1 >= name.size() || name[pct + 1] != 'd' ||
            name.find('%', pct + 1) != std::string_view::npos)
            return "is not a valid template (one '%d' allowed)";
    }
    return std::nullopt;
}

std::optional<std::string> host_ifname_problem(std::string_view name) {
    if (name.size() <= kMaxIfnameBytes) return ifname_problem(name);
    if (name.size() > kMaxAltnameBytes)
        return "is " + std::to_string(name.size()) +
               " bytes long, the kernel allows at most 15 (127 for an altname)";
    return bad_character(name, true);
}

}  // namespace netdev
