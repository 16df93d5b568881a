#pragma once
// What a host device is stacked with, one step each way: above it, its master and what is
// built on it (a macvlan, a vlan); below it, its ports and the device it is built on. The
// guardrails walk this from the asked devices only, so other host links cost nothing.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/sysfs_view.hpp"
#include "netdev/link.hpp"

namespace netdev {

struct StackedLink {
    int index = 0;
    std::string name;  // empty when the source does not say (the guardrails look it up)
};

struct StackNeighbours {
    std::vector<StackedLink> above;  // its master, the devices built on it
    std::vector<StackedLink> below;  // its ports, the device it is built on
};

class LinkStack {
  public:
    virtual ~LinkStack() = default;
    virtual StackNeighbours neighbours(const StackedLink& link) = 0;
    // "kernel adjacency", "link dump" or both: for the debug log and the tests.
    virtual std::string source() const = 0;
};

// The stack of links known in full (tests; the link dump): masters from IFLA_MASTER, and
// IFLA_LINK of a device built on another (not a veth's peer, not a link in another netns).
std::unique_ptr<LinkStack> stack_of_links(const std::vector<LinkEdges>& links);

// The host's stack, read where it costs least. From the kernel's own adjacency lists
// (`sysfs`: class/net/NAME/upper_*, lower_*; docs/kernel-facts.md K16): a few small reads per
// device of the asked stacks. Plus ONE link dump (SKIP_STATS, read in place), its IFLA_MASTER
// and IFLA_LINK edges added, when there is no such view, when an answer there cannot be
// vouched for (a device renamed or gone under the read), or when drivers are present whose
// devices are built on another by IFLA_LINK alone, outside those lists (IP tunnels and xfrm
// interfaces bound with `dev X`, IPoIB children, 6LoWPAN).
std::unique_ptr<LinkStack> host_link_stack(NetlinkSocket& host, std::optional<SysfsView> sysfs);

// Whether drivers of devices stacked by IFLA_LINK alone are present (K16): a module
// directory, or a tunnel driver's fallback device (tunl0, gre0, ...) in this netns.
bool unlisted_stacking_possible(const SysfsView& sysfs);

}  // namespace netdev
