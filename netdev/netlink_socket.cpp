#include "netdev/netlink_socket.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/netns.hpp"

namespace netdev {
namespace {

constexpr std::size_t kReceiveBufferBytes = 64 << 10;

struct KernelAnswer {
    int error = 0;       // positive errno, 0 for success
    std::string extack;  // NLMSGERR_ATTR_MSG, when the kernel gave one
};

// Extended-ack TLVs (NLMSGERR_ATTR_*) start after the error code and, unless the ack is
// capped, after the echoed request.
std::string parse_extack(const nlmsghdr& nlh, std::size_t tlv_offset) {
    if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS)) return {};
    std::size_t payload_len = mnl_nlmsg_get_payload_len(&nlh);
    if (tlv_offset >= payload_len) return {};
    std::string msg;
    auto cb = [](const nlattr* attr, void* data) -> int {
        if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
            mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
            *static_cast<std::string*>(data) = mnl_attr_get_str(attr);
        return MNL_CB_OK;
    };
    const auto* base = static_cast<const char*>(mnl_nlmsg_get_payload(&nlh)) + tlv_offset;
    mnl_attr_parse_payload(base, payload_len - tlv_offset, cb, &msg);
    return msg;
}

KernelAnswer decode_error(const nlmsghdr& nlh) {
    if (mnl_nlmsg_get_payload_len(&nlh) < sizeof(nlmsgerr))
        return {EBADMSG, "truncated NLMSG_ERROR"};
    const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(&nlh));
    std::size_t offset = sizeof(nlmsgerr);
    if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
    return {-err->error, err->error ? parse_extack(nlh, offset) : std::string()};
}

KernelAnswer decode_done(const nlmsghdr& nlh) {
    if (mnl_nlmsg_get_payload_len(&nlh) < sizeof(int)) return {};
    int code = *static_cast<const int*>(mnl_nlmsg_get_payload(&nlh));
    return {-code, code ? parse_extack(nlh, sizeof(int)) : std::string()};
}

// NLM_F_DUMP's bits mean REPLACE|EXCL on NEW requests: only a GET can be a dump.
bool is_dump_request(const nlmsghdr& nlh) {
    bool is_get = nlh.nlmsg_type >= RTM_BASE && (nlh.nlmsg_type - RTM_BASE) % 4 == 2;
    return is_get && (nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

std::uint32_t initial_seq() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint32_t>(ts.tv_nsec) | 1u;
}

}  // namespace

NetlinkSocket::NetlinkSocket(std::unique_ptr<NetlinkTransport> transport, std::string label)
    : transport_(std::move(transport)),
      label_(std::move(label)),
      next_seq_(initial_seq()),
      receive_buffer_(kReceiveBufferBytes) {}

NetlinkSocket NetlinkSocket::open_in(const Netns& netns) {
    return NetlinkSocket(open_rtnl_transport(netns), netns.label());
}

void NetlinkSocket::transact(MessageBatch& batch, std::string_view what,
                             const ReplyHandler& on_reply) {
    exchange(batch.bytes(), what, on_reply);
}

void NetlinkSocket::transact(MessageBuilder& msg, std::string_view what,
                             const ReplyHandler& on_reply) {
    exchange(msg.bytes(), what, on_reply);
}

void NetlinkSocket::exchange(std::span<std::byte> requests, std::string_view what,
                             const ReplyHandler& on_reply) {
    // Stamp each request. In a batch only the last asks for an ack: the kernel reports an
    // error for any request regardless, in order, so the last ack means all were processed;
    // an ack per request would overflow the receive buffer for large batches (ENOBUFS).
    std::vector<std::uint32_t> batch_seqs, pending;
    int left = static_cast<int>(requests.size());
    std::vector<nlmsghdr*> msgs;
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(requests.data()); mnl_nlmsg_ok(nlh, left);
         nlh = mnl_nlmsg_next(nlh, &left))
        msgs.push_back(nlh);
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        nlmsghdr* nlh = msgs[i];
        nlh->nlmsg_flags |= NLM_F_REQUEST;
        nlh->nlmsg_seq = next_seq_++;
        batch_seqs.push_back(nlh->nlmsg_seq);
        // Dumps end with NLMSG_DONE and are never acked.
        if (is_dump_request(*nlh))
            pending.push_back(nlh->nlmsg_seq);
        else if (i + 1 == msgs.size())
            nlh->nlmsg_flags |= NLM_F_ACK;
        else
            nlh->nlmsg_flags &= ~NLM_F_ACK;
    }
    if (!msgs.empty() && !is_dump_request(*msgs.back())) pending.push_back(msgs.back()->nlmsg_seq);
    NETDEV_LOG(trace) << "netlink " << what << " in " << label_ << ": " << msgs.size()
                      << " request(s), " << requests.size() << " bytes";
    transport_->send(requests);

    KernelAnswer first_error;
    bool interrupted = false;
    const std::uint32_t portid = transport_->port_id();
    std::span<std::byte> buf(receive_buffer_);
    while (!pending.empty()) {
        int len = static_cast<int>(transport_->receive(buf));
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(nlh, len);
             nlh = mnl_nlmsg_next(nlh, &len)) {
            // Stale answers (an earlier, abandoned request) or another port's traffic.
            if (!mnl_nlmsg_portid_ok(nlh, portid) ||
                std::find(batch_seqs.begin(), batch_seqs.end(), nlh->nlmsg_seq) == batch_seqs.end())
                continue;
            auto it = std::find(pending.begin(), pending.end(), nlh->nlmsg_seq);
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
            if (nlh->nlmsg_type == NLMSG_NOOP) continue;
            if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE) {
                if (on_reply) on_reply(*nlh);
                continue;
            }
            KernelAnswer answer =
                nlh->nlmsg_type == NLMSG_ERROR ? decode_error(*nlh) : decode_done(*nlh);
            if (answer.error && !first_error.error) first_error = answer;
            if (it != pending.end()) pending.erase(it);
        }
    }
    std::string where = std::string(what) + " in " + label_;
    if (first_error.error) {
        std::string msg = where + ": " + errno_text(first_error.error);
        if (!first_error.extack.empty()) msg += " (kernel: " + first_error.extack + ")";
        throw HookError(ExitCode::failed_restored, msg, first_error.error);
    }
    if (interrupted)
        throw HookError(ExitCode::failed_restored,
                        where + ": dump interrupted by a concurrent change", EINTR);
}

}  // namespace netdev
