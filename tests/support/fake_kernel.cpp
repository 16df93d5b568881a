#include "tests/support/fake_kernel.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/error.hpp"

namespace netdev::test {

ReplyMessage::ReplyMessage(std::uint16_t type, const nlmsghdr& request, std::uint16_t flags)
    : nlh_(mnl_nlmsg_put_header(buf_)) {
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = flags;
    nlh_->nlmsg_seq = request.nlmsg_seq;
    nlh_->nlmsg_pid = FakeKernel::kPortId;
}

std::vector<std::byte> ReplyMessage::bytes() const {
    return {buf_, buf_ + nlh_->nlmsg_len};
}

void FakeKernel::send(std::span<const std::byte> bytes) {
    // netlink_sendmsg(): a datagram over the send buffer is refused whole (K15).
    if (bytes.size() > max_datagram)
        throw HookError(ExitCode::failed_restored, "send netlink request: Message too long",
                        EMSGSIZE);
    ++datagrams_sent;
    datagram_sizes.push_back(bytes.size());
    int left = static_cast<int>(bytes.size());
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data()); mnl_nlmsg_ok(nlh, left);
         nlh = mnl_nlmsg_next(nlh, &left)) {
        const auto* p = reinterpret_cast<const std::byte*>(nlh);
        requests.emplace_back(p, p + nlh->nlmsg_len);
        responder_(*this, *nlh);
    }
}

std::size_t FakeKernel::receive(std::span<std::byte> buffer) {
    // A real socket would block forever here: that is a bug in the request loop.
    if (datagrams_.empty()) throw std::logic_error("FakeKernel: receive with nothing queued");
    std::vector<std::byte> d = std::move(datagrams_.front());
    datagrams_.pop_front();
    if (d.size() > buffer.size()) throw std::logic_error("FakeKernel: datagram too large");
    std::memcpy(buffer.data(), d.data(), d.size());
    return d.size();
}

void FakeKernel::queue(const ReplyMessage& msg, bool same_datagram) {
    auto b = msg.bytes();
    if (same_datagram && !datagrams_.empty())
        datagrams_.back().insert(datagrams_.back().end(), b.begin(), b.end());
    else
        datagrams_.push_back(std::move(b));
}

void FakeKernel::ack(const nlmsghdr& request, int error, const std::string& extack) {
    // Like the kernel: a success is acked only when asked for, an error always.
    if (!error && !(request.nlmsg_flags & NLM_F_ACK)) return;
    // The kernel's capped ack: nlmsgerr with only the request header, then extack TLVs.
    std::uint16_t flags = NLM_F_CAPPED | (extack.empty() ? 0 : NLM_F_ACK_TLVS);
    ReplyMessage msg(NLMSG_ERROR, request, flags);
    auto& err = msg.extra_header<nlmsgerr>();
    err.error = -error;
    err.msg = request;
    if (!extack.empty()) msg.put_str(NLMSGERR_ATTR_MSG, extack);
    queue(msg);
}

void FakeKernel::done(const nlmsghdr& request, std::uint16_t flags) {
    ReplyMessage msg(NLMSG_DONE, request, NLM_F_MULTI | flags);
    msg.extra_header<int>() = 0;
    queue(msg);
}

FakeSocket::FakeSocket(FakeKernel::Responder r)
    : kernel(new FakeKernel(std::move(r))),
      sock(std::unique_ptr<NetlinkTransport>(kernel), "fake netns") {}

const nlattr* find_attr(const nlmsghdr& nlh, std::size_t header_len, std::uint16_t type) {
    struct Want {
        std::uint16_t type;
        const nlattr* found;
    } want{type, nullptr};
    auto cb = [](const nlattr* attr, void* data) -> int {
        auto& w = *static_cast<Want*>(data);
        if (mnl_attr_get_type(attr) == w.type) w.found = attr;
        return MNL_CB_OK;
    };
    mnl_attr_parse(&nlh, header_len, cb, &want);
    return want.found;
}

}  // namespace netdev::test
