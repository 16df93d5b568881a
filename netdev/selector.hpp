#pragma once
// What a request names on the host, resolved ONCE to a link (identity: ifindex + MAC, and
// the kernel name it comes home under) before locking, policy and planning.
#include <string>

#include "netdev/link.hpp"

namespace netdev {

// Production sysfs; tests pass a fixture tree (these machines have no SR-IOV NIC).
inline constexpr const char* kSysfsRoot = "/sys";

// `requested` is a kernel name or altname (docs/kernel-facts.md K7), or a selector
// (common/device_selector.hpp): pci: and vf: read sysfs under `sysfs_root`
// (bus/pci/devices/ADDR/net/*, class/net/PF/device/virtfnN/net/*), mac: matches the current
// or permanent MAC of the host's links. Throws HookError naming `requested`: invalid_input
// for a malformed selector, refused when it names no device (or several) in the host netns.
LinkInfo resolve_selector(NetlinkSocket& host, const std::string& requested,
                          const std::string& sysfs_root = kSysfsRoot);

// What a host link is, as the selectors that name it, for policy rules however it was asked
// for: "mac:" of its current (and permanent) MAC, "pci:" of its PCI function, "vf:PF/N" when
// that function is a virtual function (sysfs under `sysfs_root`).
std::vector<std::string> selectors_of(const LinkInfo& link,
                                      const std::string& sysfs_root = kSysfsRoot);

}  // namespace netdev
