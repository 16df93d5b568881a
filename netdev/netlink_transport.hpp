#pragma once
// The byte-level seam under NetlinkSocket: the real one is a libmnl socket, tests plug in a
// fake that answers with scripted kernel replies, so encoding, sequence checks and error
// decoding run unchanged under test (docs/design.md, youki's seam done at the wire).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>

namespace netdev {

class Netns;

// Socket options the kernel may or may not have. RHEL 8's 4.18 has no strict checking (4.20);
// extended and capped acks came in 4.12 and 4.3. Replies say themselves whether they are
// capped or carry TLVs (NLM_F_CAPPED, NLM_F_ACK_TLVS); without strict checking a dump ignores
// its filter, so callers filter replies themselves (address.cpp).
struct NetlinkFeatures {
    bool extended_ack = true;  // NETLINK_EXT_ACK: the kernel's own words in errors
    bool capped_ack = true;    // NETLINK_CAP_ACK: errors do not echo the whole request
    bool strict_check = true;  // NETLINK_GET_STRICT_CHK: dumps honour ifa_index (K11)
};

// Switches each option on through `set_option(NETLINK_*)` (a setsockopt returning 0 or -1
// with errno). One the kernel does not know (ENOPROTOOPT) stays off and is remembered; any
// other failure throws HookError naming `label`.
NetlinkFeatures enable_netlink_features(const std::function<int(int option)>& set_option,
                                        const std::string& label);

class NetlinkTransport {
  public:
    virtual ~NetlinkTransport() = default;
    // Sends one datagram (one or more netlink messages). Throws HookError.
    virtual void send(std::span<const std::byte> bytes) = 0;
    // Blocks for the next datagram from the kernel; returns its length. Throws HookError.
    virtual std::size_t receive(std::span<std::byte> buffer) = 0;
    virtual std::uint32_t port_id() const = 0;
    // The largest datagram the kernel takes from this socket: a larger one is refused whole
    // with EMSGSIZE (docs/kernel-facts.md K15), so batches are split to fit.
    virtual std::size_t max_datagram_bytes() const {
        return std::numeric_limits<std::size_t>::max();
    }
    virtual NetlinkFeatures features() const { return {}; }
};

// A NETLINK_ROUTE socket created inside `netns` (sockets keep the netns they were born in),
// with extended acks, capped acks and strict dump filtering switched on where the kernel has
// them.
std::unique_ptr<NetlinkTransport> open_rtnl_transport(const Netns& netns);

}  // namespace netdev
