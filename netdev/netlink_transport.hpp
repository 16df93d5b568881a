#pragma once
// The byte-level seam under NetlinkSocket: the real one is a libmnl socket, tests plug in a
// fake that answers with scripted kernel replies, so encoding, sequence checks and error
// decoding run unchanged under test (STYLE.md, youki's seam done at the wire).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace netdev {

class Netns;

class NetlinkTransport {
  public:
    virtual ~NetlinkTransport() = default;
    // Sends one datagram (one or more netlink messages). Throws HookError.
    virtual void send(std::span<const std::byte> bytes) = 0;
    // Blocks for the next datagram from the kernel; returns its length. Throws HookError.
    virtual std::size_t receive(std::span<std::byte> buffer) = 0;
    virtual std::uint32_t port_id() const = 0;
};

// A NETLINK_ROUTE socket created inside `netns` (sockets keep the netns they were born in),
// with extended acks, capped acks and strict dump filtering switched on.
std::unique_ptr<NetlinkTransport> open_rtnl_transport(const Netns& netns);

}  // namespace netdev
