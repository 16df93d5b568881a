#pragma once
// Interface names as the kernel accepts them (net/core/dev.c: dev_valid_name and
// __dev_alloc_name), checked before anything changes (KERNEL-FACTS K2, K5).
#include <optional>
#include <string>
#include <string_view>

namespace netdev {

inline constexpr std::size_t kMaxIfnameBytes = 15;  // IFNAMSIZ - 1

// True for a kernel name template such as "eth%d": the kernel picks the number.
bool is_name_template(std::string_view name);

// Why the kernel would refuse `name` as an interface name, or nullopt when it is valid.
std::optional<std::string> ifname_problem(std::string_view name);

}  // namespace netdev
