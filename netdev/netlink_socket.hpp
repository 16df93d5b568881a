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

#include "common/error.hpp"
#include "netdev/netlink_message.hpp"
#include "netdev/netlink_transport.hpp"

namespace netdev {

using ReplyHandler = std::function<void(const nlmsghdr&)>;
// Names request `index` of a batch (e.g. the address it adds) in the error for the first
// request that failed.
using RequestNamer = std::function<std::string(std::size_t index)>;

inline constexpr int kDumpAttempts = 5;

// Whether a whole message starts at `nlh` within the `len` bytes left of a datagram. Use it,
// not mnl_nlmsg_ok(), on what the kernel sends: that one compares nlmsg_len as a signed int,
// so a length of 2 GiB or more passes, and mnl_nlmsg_next() then loops forever (a length
// that aligns to 0) or walks past the datagram (found by tests/fuzz/fuzz_netlink.cpp).
bool message_fits(const nlmsghdr* nlh, int len);

// Runs `attempt` (one whole dump into fresh results) again while a concurrent change
// interrupts it (NLM_F_DUMP_INTR, reported by transact() as EINTR), at most kDumpAttempts
// times: a busy host changes links and addresses under a dump.
template <typename Attempt>
auto retry_interrupted_dump(Attempt&& attempt) -> decltype(attempt()) {
    for (int n = 1;; ++n) {
        try {
            return attempt();
        } catch (const HookError& e) {
            if (e.sys_errno() != EINTR || n == kDumpAttempts) throw;
        }
    }
}

class NetlinkSocket {
  public:
    NetlinkSocket(std::unique_ptr<NetlinkTransport> transport, std::string netns_label);
    // A real socket created inside `netns`, named after it in errors.
    static NetlinkSocket open_in(const Netns& netns);

    // Sends the requests of `batch` in as few datagrams as the socket's send buffer allows
    // (docs/kernel-facts.md K15) and reads until each is answered (ack, error, or NLMSG_DONE for
    // dumps). Replies that are data go to `on_reply`. After all answers are in, throws
    // HookError for the first kernel error:
    //   "<what> in <netns>: [<request name>: ]<strerror> (kernel: <extack>)", with sys_errno
    //   set; EINTR when a dump was interrupted by a concurrent change (NLM_F_DUMP_INTR).
    void transact(MessageBatch& batch, std::string_view what, const ReplyHandler& on_reply = {},
                  const RequestNamer& name_request = {});
    // One request; see transact().
    void transact(MessageBuilder& msg, std::string_view what, const ReplyHandler& on_reply = {});
    // One request whose failure with `expected` (a positive errno: ENODEV for a lookup) is an
    // answer, returned, not thrown: a name checked free is a lookup that finds nothing, and an
    // exception costs a run's unwinder 33k instructions and page faults. 0 on success;
    // anything else, an interrupted dump too, is thrown as transact() throws it.
    int transact_expecting(MessageBuilder& msg, std::string_view what, int expected,
                           const ReplyHandler& on_reply = {});

    const std::string& netns_label() const noexcept { return label_; }
    NetlinkFeatures features() const { return transport_->features(); }

  private:
    struct Outcome;
    Outcome exchange(std::span<std::byte> requests, std::string_view what,
                     const ReplyHandler& on_reply);
    void raise(const Outcome& outcome, std::string_view what,
               const RequestNamer& name_request) const;
    void exchange_datagram(std::span<nlmsghdr* const> msgs, std::size_t bytes, Outcome& outcome,
                           const ReplyHandler& on_reply);
    std::unique_ptr<NetlinkTransport> transport_;
    std::string label_;
    std::uint32_t next_seq_;
    // Allocated once, reused by every request, never cleared: zeroing it cost a page fault
    // per 4 KiB and 64k instructions per socket before the kernel wrote a byte.
    std::unique_ptr<std::byte[]> receive_buffer_;
};

// The socket each netns is talked to through: the kernel's (kernel_socket), or in tests the
// fake kernel or one injecting faults (tests/support). Every step that opens a socket for a
// run (the pipeline, give-back) takes one, so a test drives the same code.
using SocketFactory = std::function<NetlinkSocket(const Netns&)>;
NetlinkSocket kernel_socket(const Netns& netns);

}  // namespace netdev
