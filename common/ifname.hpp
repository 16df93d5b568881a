#pragma once
// Interface names as the kernel accepts them (net/core/dev.c: dev_valid_name and
// __dev_alloc_name), checked before anything changes (docs/kernel-facts.md K2, K5, K15).
#include <optional>
#include <string>
#include <string_view>

namespace netdev {

inline constexpr std::size_t kMaxIfnameBytes = 15;    // IFNAMSIZ - 1
inline constexpr std::size_t kMaxAltnameBytes = 127;  // ALTIFNAMSIZ - 1

// The kernel's isspace() (lib/ctype.c): \t \n \v \f \r, space, and 0xA0 (Latin-1 NBSP).
bool is_kernel_space(char c);

// True for a kernel name template such as "eth%d": the kernel picks the number.
bool is_name_template(std::string_view name);

// Why the kernel would refuse `name` as an interface name, or nullopt when it is valid.
std::optional<std::string> ifname_problem(std::string_view name);

// For a name that finds an existing host device: an interface name as above, or, over 15
// bytes, an altname (looked up with IFLA_ALT_IFNAME, K15): up to 127 bytes, no NUL, and, as
// `ip link property add` requires, no '/' and no whitespace (the name also names a lock file).
std::optional<std::string> host_ifname_problem(std::string_view name);

}  // namespace netdev
