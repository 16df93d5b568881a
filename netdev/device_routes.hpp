#pragma once
// The routes that use one device, read once per run: `ip route show table all dev X` of both
// families, unicast only, kernel-filtered by RTA_OIF (strict dump, docs/kernel-facts.md K11).
// The uplink guardrail and the snapshot ask that same question of the same device, and each
// such dump makes the kernel walk every route of the netns (K18), which a busy node has by
// the thousand.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "netdev/netlink_message.hpp"
#include "netdev/netlink_socket.hpp"

namespace netdev {

// The dump request: both families (AF_UNSPEC), every table (RT_TABLE_UNSPEC), unicast only
// (a strict dump then skips the local table's route per address), through `oif` when not 0.
MessageBuilder& unicast_route_dump(MessageBuilder& msg, int oif);

class DeviceRoutes {
  public:
    explicit DeviceRoutes(NetlinkSocket& sock) : sock_(sock) {}
    NetlinkSocket& socket() const { return sock_; }

    // Calls `visit` with each RTM_NEWROUTE message of the dump for `ifindex`. The first call
    // for a device dumps (retried when a change interrupts it; an error is thrown, named
    // `what`, and nothing kept); later calls replay the same messages. Without strict checking
    // the kernel ignores RTA_OIF and every route comes back: visitors filter by device.
    void for_each(int ifindex, const std::string& what,
                  const std::function<void(const nlmsghdr&)>& visit);

  private:
    NetlinkSocket& sock_;
    std::map<int, std::vector<std::byte>> dumps_;  // the messages of each, back to back
};

}  // namespace netdev
