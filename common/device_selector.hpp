#pragma once
// Devices named by what they are rather than by their (unstable) kernel name, in the
// annotation and the wrapper's env: `pci:0000:3b:02.1`, `mac:02:42:ac:11:00:02`,
// `vf:ens5f0/3`. Kernel names cannot contain ':' (docs/kernel-facts.md K5), so any word with one is
// a selector. Resolution to a link is netdev/selector.hpp's.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netdev {

struct DeviceSelector {
    enum class Kind { pci, mac, vf };
    Kind kind;
    std::string text;               // as written, for messages and records
    std::string pci;                // pci: the function's address, "0000:3b:02.1" (lowercase)
    std::vector<std::uint8_t> mac;  // mac: 6 bytes
    std::string pf;                 // vf: the physical function's name
    unsigned vf = 0;                // vf: its number
};

// Whether `word` is a selector rather than a device name.
bool is_selector(std::string_view word);

// Throws HookError(invalid_input) naming `text` and what was expected.
DeviceSelector parse_selector(std::string_view text);

}  // namespace netdev
