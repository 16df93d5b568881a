#pragma once
// A real kernel's socket that counts the requests it sends matching a predicate (a link dump,
// a route dump through one device): what a test of "read once" or "no dump" holds.
#include <libmnl/libmnl.h>

#include <functional>
#include <memory>
#include <span>

#include "common/netns.hpp"
#include "netdev/netlink_socket.hpp"
#include "netdev/netlink_transport.hpp"

namespace netdev::test {

using RequestPredicate = std::function<bool(const nlmsghdr&)>;

class CountingTransport final : public NetlinkTransport {
  public:
    CountingTransport(std::unique_ptr<NetlinkTransport> real, RequestPredicate counted, int& count)
        : real_(std::move(real)), counted_(std::move(counted)), count_(count) {}
    void send(std::span<const std::byte> bytes) override {
        int len = static_cast<int>(bytes.size());
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data()); message_fits(nlh, len);
             nlh = mnl_nlmsg_next(nlh, &len))
            count_ += counted_(*nlh);
        real_->send(bytes);
    }
    std::size_t receive(std::span<std::byte> buffer) override { return real_->receive(buffer); }
    std::uint32_t port_id() const override { return real_->port_id(); }
    std::size_t max_datagram_bytes() const override { return real_->max_datagram_bytes(); }
    NetlinkFeatures features() const override { return real_->features(); }

  private:
    std::unique_ptr<NetlinkTransport> real_;
    RequestPredicate counted_;
    int& count_;
};

// A socket of `ns` on the real kernel, counting into `count`.
inline NetlinkSocket counting_socket(const Netns& ns, RequestPredicate counted, int& count) {
    return NetlinkSocket(
        std::make_unique<CountingTransport>(open_rtnl_transport(ns), std::move(counted), count),
        ns.label());
}

}  // namespace netdev::test
