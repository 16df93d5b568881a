#include "common/ifname.hpp"

namespace netdev {

bool is_name_template(std::string_view name) {
    return name.find('%') != std::string_view::npos;
}

std::optional<std::string> ifname_problem(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.size() > kMaxIfnameBytes)
        return "is " + std::to_string(name.size()) + " bytes long, the kernel allows at most 15";
    if (name == "." || name == "..") return "is reserved";
    for (char c : name) {
        if (c == '/' || c == ':') return std::string("contains '") + c + "'";
        // The kernel uses isspace(): space, \t \n \v \f \r.
        if (c == ' ' || (c >= '\t' && c <= '\r')) return "contains whitespace";
        // A NUL would silently truncate the name the kernel sees.
        if (c == '\0') return "contains a NUL byte";
    }
    // __dev_alloc_name: one '%', and it must be followed by 'd'.
    auto pct = name.find('%');
    if (pct != std::string_view::npos) {
        if (pct + 1 >= name.size() || name[pct + 1] != 'd' ||
            name.find('%', pct + 1) != std::string_view::npos)
            return "is not a valid template (one '%d' allowed)";
    }
    return std::nullopt;
}

}  // namespace netdev
