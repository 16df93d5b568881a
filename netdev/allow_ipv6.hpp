#pragma once
// Docker's `--network none`: its prestart hook sets disable_ipv6=1 for all and default in the
// container netns, so a device moved in gets IPv6 disabled and its IPv6 addresses are refused
// ("IPv6 is disabled on this device"). The device asked for is given IPv6 back, alone.
#include <vector>

#include "common/netns.hpp"
#include "netdev/address.hpp"
#include "netdev/link.hpp"

namespace netdev {

// When `addresses` hold an IPv6 address and `device` (as looked up in `ns` after its move) has
// IPv6 disabled there, writes 0 to the device's own disable_ipv6 (all and default stay as they
// are) and logs it.
void allow_ipv6_for_addresses(const Netns& ns, const LinkInfo& device,
                              const std::vector<AddressRecord>& addresses);

}  // namespace netdev
