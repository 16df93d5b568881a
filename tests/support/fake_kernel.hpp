#pragma once
// A byte-level stand-in for the kernel end of a netlink socket: it sees exactly the bytes
// NetlinkSocket sends and answers with datagrams built the way the kernel builds them, so
// encoding, sequence checks and error decoding are tested unchanged, without root.
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "netdev/netlink_socket.hpp"

namespace netdev::test {

// One message being built into a reply datagram.
class ReplyMessage {
  public:
    ReplyMessage(std::uint16_t type, const nlmsghdr& request, std::uint16_t flags = 0);
    template <typename T>
    T& extra_header() {
        return *static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }
    void put(std::uint16_t type, const void* data, std::size_t len) {
        mnl_attr_put(nlh_, type, len, data);
    }
    void put_str(std::uint16_t type, const std::string& s) {
        mnl_attr_put_strz(nlh_, type, s.c_str());
    }
    void put_u32(std::uint16_t type, std::uint32_t v) { mnl_attr_put_u32(nlh_, type, v); }
    nlmsghdr* header() { return nlh_; }
    std::vector<std::byte> bytes() const;

  private:
    alignas(nlmsghdr) std::byte buf_[8192]{};
    nlmsghdr* nlh_;
};

class FakeKernel final : public NetlinkTransport {
  public:
    static constexpr std::uint32_t kPortId = 4242;
    // Called for each request message in a sent datagram; it queues replies.
    using Responder = std::function<void(FakeKernel&, const nlmsghdr&)>;

    explicit FakeKernel(Responder responder) : responder_(std::move(responder)) {}

    void send(std::span<const std::byte> bytes) override;
    std::size_t receive(std::span<std::byte> buffer) override;
    std::uint32_t port_id() const override { return kPortId; }
    std::size_t max_datagram_bytes() const override { return max_datagram; }
    NetlinkFeatures features() const override { return kernel_features; }

    // Reply building, each queued as its own datagram unless appended with `same_datagram`.
    void queue(const ReplyMessage& msg, bool same_datagram = false);
    // A datagram of any bytes, for replies no kernel would build.
    void queue_raw(std::vector<std::byte> datagram) { datagrams_.push_back(std::move(datagram)); }
    void ack(const nlmsghdr& request, int error = 0, const std::string& extack = "");
    void done(const nlmsghdr& request, std::uint16_t flags = 0);

    // Every request message seen, as copies of its bytes.
    std::vector<std::vector<std::byte>> requests;
    int datagrams_sent = 0;
    std::vector<std::size_t> datagram_sizes;
    // What the socket reports to the request loop: the send-buffer limit, the options.
    std::size_t max_datagram = 1 << 20;
    NetlinkFeatures kernel_features;

  private:
    Responder responder_;
    std::deque<std::vector<std::byte>> datagrams_;
};

// A NetlinkSocket wired to a FakeKernel that the caller keeps a pointer to.
struct FakeSocket {
    explicit FakeSocket(FakeKernel::Responder r);
    FakeKernel* kernel;
    NetlinkSocket sock;
};

inline const nlmsghdr& as_nlmsg(const std::vector<std::byte>& bytes) {
    return *reinterpret_cast<const nlmsghdr*>(bytes.data());
}

// The attribute `type` of message `nlh` after a fixed header of `header_len` bytes.
const nlattr* find_attr(const nlmsghdr& nlh, std::size_t header_len, std::uint16_t type);

}  // namespace netdev::test
