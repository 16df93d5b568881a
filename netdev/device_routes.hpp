#pragma once
// The routes that use one device: `ip route show table all dev X` of both families, unicast
// only, kernel-filtered by RTA_OIF (strict dump, docs/kernel-facts.md K11). The uplink
// guardrail and the snapshot ask that same question of each asked device, and each such dump
// makes the kernel walk every route of the netns (K18), which a busy node has by the
// thousand: an asked device's dump is read once a run and kept for the snapshot. The snapshot's
// routes are therefore those the guardrails saw, after the device locks were taken.
#include <cstddef>
#include <functional>
#include <map>
#include <set>
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

    // The dump of `ifindex` is kept once read (the asked devices: the snapshot reads it
    // again). Other devices' dumps are streamed and dropped: the uplink under an asked
    // macvlan may carry a full routing table. Without strict checking the kernel ignores
    // RTA_OIF and every route comes back: nothing is kept then.
    void keep(int ifindex) { keep_.insert(ifindex); }

    // Calls `restart`, then `visit` with each RTM_NEWROUTE message of one whole dump for
    // `ifindex`; `restart` again before each new attempt when a change interrupts the dump
    // (NLM_F_DUMP_INTR). An error is thrown, named `what`, and nothing is kept. A kept
    // device's messages are replayed from memory after its first dump.
    void for_each(int ifindex, const std::string& what, const std::function<void()>& restart,
                  const std::function<void(const nlmsghdr&)>& visit);

  private:
    NetlinkSocket& sock_;
    std::set<int> keep_;
    std::map<int, std::vector<std::byte>> kept_;  // the messages of each, back to back
};

}  // namespace netdev
