#include "common/device_selector.hpp"

#include <cctype>
#include <charconv>

#include "common/error.hpp"
#include "common/ifname.hpp"

namespace netdev {
namespace {

constexpr std::size_t kMaxAltnameBytes = 127;  // ALTIFNAMSIZ - 1

[[noreturn]] void bad(std::string_view text, const std::string& expected) {
    throw HookError(ExitCode::invalid_input,
                    "selector \"" + std::string(text) + "\": expected " + expected);
}

bool all_hex(std::string_view s, std::size_t len) {
    if (s.size() != len) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// "0000:3b:02.1", or "3b:02.1" in domain 0 (as lspci prints it).
std::string parse_pci(std::string_view text, std::string_view value) {
    std::string v(value);
    if (v.size() == 7) v = "0000:" + v;
    bool ok = v.size() == 12 && all_hex(std::string_view(v).substr(0, 4), 4) && v[4] == ':' &&
              all_hex(std::string_view(v).substr(5, 2), 2) && v[7] == ':' &&
              all_hex(std::string_view(v).substr(8, 2), 2) && v[10] == '.' && v[11] >= '0' &&
              v[11] <= '7';
    if (!ok) bad(text, "pci:DOMAIN:BUS:DEVICE.FUNCTION such as pci:0000:3b:02.1");
    return lower(v);
}

std::vector<std::uint8_t> parse_mac(std::string_view text, std::string_view value) {
    std::vector<std::uint8_t> mac;
    for (std::size_t i = 0; i < value.size(); i += 3) {
        std::string_view pair = value.substr(i, 2);
        // Past the end only when the last pair is short (all_hex refuses it then).
        bool sep_ok = i + 2 >= value.size() || value[i + 2] == ':';
        if (!all_hex(pair, 2) || !sep_ok || mac.size() == 6)
            bad(text, "mac: and six hex bytes such as mac:02:42:ac:11:00:02");
        mac.push_back(static_cast<std::uint8_t>(std::stoi(std::string(pair), nullptr, 16)));
    }
    if (mac.size() != 6) bad(text, "mac: and six hex bytes such as mac:02:42:ac:11:00:02");
    return mac;
}

void parse_vf(std::string_view text, std::string_view value, DeviceSelector& sel) {
    auto slash = value.rfind('/');
    const std::string expected = "vf:PF/N such as vf:ens5f0/3";
    if (slash == std::string_view::npos) bad(text, expected);
    sel.pf = std::string(value.substr(0, slash));
    std::string_view num = value.substr(slash + 1);
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), sel.vf);
    if (num.empty() || ec != std::errc() || end != num.data() + num.size()) bad(text, expected);
    // The PF may be named by an altname: up to 127 bytes (docs/kernel-facts.md K15).
    std::string_view pf = sel.pf;
    auto why = pf.size() > kMaxIfnameBytes ? std::nullopt : ifname_problem(pf);
    if (pf.size() > kMaxAltnameBytes)
        why = "longer than " + std::to_string(kMaxAltnameBytes) + " bytes";
    if (why) bad(text, expected + " (PF \"" + sel.pf + "\" " + *why + ")");
}

}  // namespace

bool is_selector(std::string_view word) {
    return word.find(':') != std::string_view::npos;
}

DeviceSelector parse_selector(std::string_view text) {
    auto colon = text.find(':');
    std::string_view kind = text.substr(0, colon), value = text.substr(colon + 1);
    DeviceSelector sel{DeviceSelector::Kind::pci, std::string(text), {}, {}, {}, 0};
    if (kind == "pci") {
        sel.pci = parse_pci(text, value);
    } else if (kind == "mac") {
        sel.kind = DeviceSelector::Kind::mac;
        sel.mac = parse_mac(text, value);
    } else if (kind == "vf") {
        sel.kind = DeviceSelector::Kind::vf;
        parse_vf(text, value, sel);
    } else {
        bad(text, "a device name, or a selector pci:, mac: or vf:");
    }
    return sel;
}

}  // namespace netdev
