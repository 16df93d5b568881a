#pragma once
// Fault injection at the netlink seam: the N-th request message (counted across every socket
// sharing one FaultPlan) is not sent; the kernel's answer is replaced by an error with a
// chosen errno. A datagram holding the N-th request (a batch) fails whole. Or the process is
// sent a signal right before sending it (run it in a forked child).
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "netdev/netlink_transport.hpp"

namespace netdev::test {

struct FaultPlan {
    int fail_at = 0;  // 1-based request number; 0 never
    int error = 5;    // EIO
    int seen = 0;     // requests so far
    bool fired = false;
    // At fail_at, raise this signal and then send as usual instead: SIGKILL is what a
    // runtime does when the hook passes its timeout; SIGTERM, SIGALRM (the deadline).
    int signal = 0;
    int fail_again_at = 0;  // a second fault (e.g. during rollback); 0 never
    // At fail_at, run this (e.g. kill the container's process) and then send as usual.
    std::function<void()> action = nullptr;
};

class FaultyTransport final : public NetlinkTransport {
  public:
    FaultyTransport(std::unique_ptr<NetlinkTransport> real, FaultPlan& plan)
        : real_(std::move(real)), plan_(plan) {}
    void send(std::span<const std::byte> bytes) override;
    std::size_t receive(std::span<std::byte> buffer) override;
    std::uint32_t port_id() const override { return real_->port_id(); }
    std::size_t max_datagram_bytes() const override { return real_->max_datagram_bytes(); }
    NetlinkFeatures features() const override { return real_->features(); }

  private:
    std::unique_ptr<NetlinkTransport> real_;
    FaultPlan& plan_;
    std::deque<std::vector<std::byte>> injected_;
};

}  // namespace netdev::test
