#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "common/error.hpp"
#include "common/interrupts.hpp"
#include "common/logging.hpp"
#include "common/netns.hpp"
#include "netdev/netlink_transport.hpp"

namespace netdev {
namespace {

constexpr int kReceiveBufferBytes = 4 << 20;
constexpr int kReceiveTimeoutSeconds = 10;
constexpr double kMinReceiveTimeoutSeconds = 1;  // past the deadline: room for the rollback

struct MnlSocketCloser {
    void operator()(mnl_socket* s) const noexcept { mnl_socket_close(s); }
};

class MnlTransport final : public NetlinkTransport {
  public:
    explicit MnlTransport(const Netns& netns) : label_(netns.label()) {
        NetnsGuard in_target(netns);
        sock_.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
        if (!sock_) throw_errno(ExitCode::failed_restored, "netlink socket in " + label_, errno);
        if (mnl_socket_bind(sock_.get(), 0, MNL_SOCKET_AUTOPID) < 0) fail("bind netlink socket");
        features_ = enable_netlink_features(
            [this](int opt) {
                int on = 1;
                return mnl_socket_setsockopt(sock_.get(), opt, &on, sizeof on);
            },
            label_);
        int fd = mnl_socket_get_fd(sock_.get());
        // Room for large dumps and error bursts; FORCE needs CAP_NET_ADMIN, which a hook has.
        int rcvbuf = kReceiveBufferBytes;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        // Never hang the runtime: a kernel that does not answer is an error, and rollback runs,
        // within the run's deadline (interrupts.hpp) when it is closer.
        timeout_ = std::min(std::chrono::duration<double>(kReceiveTimeoutSeconds),
                            std::chrono::duration<double>(seconds_left().value_or(1e9)));
        timeout_ = std::max(timeout_, std::chrono::duration<double>(kMinReceiveTimeoutSeconds));
        timeval timeout = timeval_of_seconds(timeout_.count());
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
            fail("setsockopt SO_RCVTIMEO");
        // netlink_sendmsg() refuses a datagram longer than sk_sndbuf - 32 (EMSGSIZE, K15).
        int sndbuf = 0;
        socklen_t len = sizeof sndbuf;
        if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) != 0) fail("getsockopt SO_SNDBUF");
        max_datagram_ = sndbuf > 4096 ? static_cast<std::size_t>(sndbuf) - 32 : 4096;
    }

    void send(std::span<const std::byte> bytes) override {
        ssize_t n;
        do n = mnl_socket_sendto(sock_.get(), bytes.data(), bytes.size());
        while (n < 0 && errno == EINTR);
        if (n < 0) fail("send netlink request");
    }

    std::size_t receive(std::span<std::byte> buffer) override {
        ssize_t n;
        do n = mnl_socket_recvfrom(sock_.get(), buffer.data(), buffer.size());
        while (n < 0 && errno == EINTR);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            throw HookError(ExitCode::failed_restored,
                            "no answer from the kernel in " + label_ + " within " +
                                seconds_text(timeout_.count()) + " s",
                            ETIMEDOUT);
        if (n < 0 && errno == ENOBUFS) {
            // Replies were dropped. Until its queue is empty the kernel drops every reply to
            // this socket, so empty it now: the next request (a rollback) gets its answer.
            drain(buffer);
            errno = ENOBUFS;
        }
        if (n < 0) fail("receive netlink reply");
        return static_cast<std::size_t>(n);
    }

    std::uint32_t port_id() const override { return mnl_socket_get_portid(sock_.get()); }
    std::size_t max_datagram_bytes() const override { return max_datagram_; }
    NetlinkFeatures features() const override { return features_; }

  private:
    void drain(std::span<std::byte> buffer) {
        int fd = mnl_socket_get_fd(sock_.get());
        while (::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT) > 0 || errno == ENOBUFS) {
        }
    }
    [[noreturn]] void fail(const std::string& what) {
        throw_errno(ExitCode::failed_restored, what + " in " + label_, errno);
    }
    std::string label_;
    std::unique_ptr<mnl_socket, MnlSocketCloser> sock_;
    NetlinkFeatures features_;
    std::size_t max_datagram_ = 0;
    std::chrono::duration<double> timeout_{};
};

}  // namespace

NetlinkFeatures enable_netlink_features(const std::function<int(int option)>& set_option,
                                        const std::string& label) {
    NetlinkFeatures f;
    auto enable = [&](int option, bool& flag, const char* name) {
        flag = set_option(option) == 0;
        if (flag) return;
        if (errno != ENOPROTOOPT)
            throw_errno(ExitCode::failed_restored,
                        std::string("setsockopt ") + name + " in " + label, errno);
        NETDEV_LOG(debug) << "kernel has no " << name << " (netlink socket in " << label << ")";
    };
    enable(NETLINK_EXT_ACK, f.extended_ack, "NETLINK_EXT_ACK");
    enable(NETLINK_CAP_ACK, f.capped_ack, "NETLINK_CAP_ACK");
    enable(NETLINK_GET_STRICT_CHK, f.strict_check, "NETLINK_GET_STRICT_CHK");
    return f;
}

std::unique_ptr<NetlinkTransport> open_rtnl_transport(const Netns& netns) {
    return std::make_unique<MnlTransport>(netns);
}

}  // namespace netdev
