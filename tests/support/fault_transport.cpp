#include "tests/support/fault_transport.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <csignal>
#include <cstring>
#include <stdexcept>

namespace netdev::test {

void FaultyTransport::send(std::span<const std::byte> bytes) {
    std::vector<const nlmsghdr*> msgs;
    int left = static_cast<int>(bytes.size());
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data()); mnl_nlmsg_ok(nlh, left);
         nlh = mnl_nlmsg_next(nlh, &left))
        msgs.push_back(nlh);
    bool fail = false;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        ++plan_.seen;
        if (plan_.seen == plan_.fail_at || plan_.seen == plan_.fail_again_at) fail = true;
    }
    if (fail && plan_.action) {
        plan_.fired = true;
        plan_.action();
        return real_->send(bytes);
    }
    if (fail && plan_.signal) {
        plan_.fired = true;
        ::raise(plan_.signal);
        return real_->send(bytes);
    }
    if (!fail) return real_->send(bytes);
    plan_.fired = true;
    // What the kernel sends for a refused request: NLMSG_ERROR with the request's header.
    std::vector<std::byte> datagram;
    for (const nlmsghdr* req : msgs) {
        alignas(nlmsghdr) std::byte buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(nlmsgerr))]{};
        nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = NLMSG_ERROR;
        nlh->nlmsg_flags = NLM_F_CAPPED;
        nlh->nlmsg_seq = req->nlmsg_seq;
        nlh->nlmsg_pid = real_->port_id();
        auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nlmsgerr)));
        err->error = -plan_.error;
        err->msg = *req;
        datagram.insert(datagram.end(), buf, buf + nlh->nlmsg_len);
    }
    injected_.push_back(std::move(datagram));
}

std::size_t FaultyTransport::receive(std::span<std::byte> buffer) {
    if (injected_.empty()) return real_->receive(buffer);
    std::vector<std::byte> d = std::move(injected_.front());
    injected_.pop_front();
    if (d.size() > buffer.size()) throw std::logic_error("injected datagram too large");
    std::memcpy(buffer.data(), d.data(), d.size());
    return d.size();
}

}  // namespace netdev::test
