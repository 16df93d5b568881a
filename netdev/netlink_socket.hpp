#pragma once
// One rtnetlink socket bound to one netns, and the ONE request loop: sequence numbers, port
// id checks, acks, NLM_F_DUMP_INTR, and errors with the kernel's extended-ack text.
#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netdev/netlink_message.hpp"
#include "netdev/netlink_transport.hpp"

namespace netdev {

using ReplyHandler = std::function<void(const nlmsghdr&)>;

class NetlinkSocket {
  public:
    NetlinkSocket(std::unique_ptr<NetlinkTransport> transport, std::string netns_label);
    // A real socket created inside `netns`, named after it in errors.
    static NetlinkSocket open_in(const Netns& netns);

    // Sends every request of `batch` in one datagram and reads until each is answered (ack,
    // error, or NLMSG_DONE for dumps). Replies that are data go to `on_reply`. After all
    // answers are in, throws HookError for the first kernel error:
    //   "<what> in <netns>: <strerror> (kernel: <extack>)", with sys_errno set; EINTR when a
    //   dump was interrupted by a concurrent change (NLM_F_DUMP_INTR).
    void transact(MessageBatch& batch, std::string_view what, const ReplyHandler& on_reply = {});
    // One request; see transact().
    void transact(MessageBuilder& msg, std::string_view what, const ReplyHandler& on_reply = {});

    const std::string& netns_label() const noexcept { return label_; }

  private:
    void exchange(std::span<std::byte> requests, std::string_view what,
                  const ReplyHandler& on_reply);
    std::unique_ptr<NetlinkTransport> transport_;
    std::string label_;
    std::uint32_t next_seq_;
    std::vector<std::byte> receive_buffer_;  // allocated once, reused by every request
};

}  // namespace netdev
