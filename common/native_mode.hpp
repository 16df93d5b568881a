#pragma once
// Who moves linux.netDevices when the runtime can do it itself (docs/runtimes.md "Runtimes
// that move devices themselves"): asked of the runtime (`auto`, the default), or said by the
// admin for a runtime that cannot be asked: `--native` (oci-netdev-hook(1)) or the policy's
// "native" (oci-netdev-hook-policy(5)); the command line wins.
#include <optional>
#include <string_view>

namespace netdev {

enum class NativeMode { detect, yes, no };

// "auto", "yes" or "no"; nullopt for anything else.
inline std::optional<NativeMode> native_mode_from(std::string_view text) {
    if (text == "auto") return NativeMode::detect;
    if (text == "yes") return NativeMode::yes;
    if (text == "no") return NativeMode::no;
    return std::nullopt;
}

}  // namespace netdev
