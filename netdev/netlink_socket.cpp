#include "netdev/netlink_socket.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/netns.hpp"

namespace netdev {
namespace {

constexpr std::size_t kReceiveBufferBytes = 64 << 10;

struct KernelAnswer {
    int error = 0;           // positive errno, 0 for success
    std::string extack;      // NLMSGERR_ATTR_MSG, when the kernel gave one
    bool malformed = false;  // not an answer the kernel could have sent; `extack` says why
};

KernelAnswer malformed(std::string why) {
    return {EBADMSG, std::move(why), true};
}

constexpr int kMaxErrno = 4095;  // the kernel's MAX_ERRNO: error codes are -1..-4095

// Extended-ack TLVs (NLMSGERR_ATTR_*) start `tlv_offset` bytes into the payload.
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

// An error code as the kernel sends it (0 or -errno); anything else is a malformed reply.
KernelAnswer checked_code(int code, const char* what) {
    if (code > 0 || code < -kMaxErrno)
        return malformed(std::string(what) + " with error code " + std::to_string(code));
    return {-code, {}};
}

KernelAnswer decode_error(const nlmsghdr& nlh) {
    const auto* err = payload_as<nlmsgerr>(&nlh);
    if (!err) return malformed("truncated NLMSG_ERROR");
    std::size_t payload_len = mnl_nlmsg_get_payload_len(&nlh);
    KernelAnswer answer = checked_code(err->error, "NLMSG_ERROR");
    if (answer.error == 0 || answer.malformed) return answer;
    // The TLVs follow the echoed request header, or, without NETLINK_CAP_ACK (or on a kernel
    // that ignores it), the whole echoed request: its length comes from the reply, so it is
    // checked against the payload before use.
    std::size_t offset = sizeof(nlmsgerr);
    if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) {
        std::size_t echoed = err->msg.nlmsg_len;
        if (echoed < sizeof(nlmsghdr) || echoed - sizeof(nlmsghdr) > payload_len - offset)
            return answer;  // the errno stands; the extack cannot be found
        offset = MNL_ALIGN(offset + echoed - sizeof(nlmsghdr));
    }
    answer.extack = parse_extack(nlh, offset);
    return answer;
}

KernelAnswer decode_done(const nlmsghdr& nlh) {
    const int* payload = payload_as<int>(&nlh);
    if (!payload) return {};
    int code = 0;
    std::memcpy(&code, payload, sizeof code);
    KernelAnswer answer = checked_code(code, "NLMSG_DONE");
    if (answer.error && !answer.malformed) answer.extack = parse_extack(nlh, sizeof(int));
    return answer;
}

// The messages of a batch, in order (each nlmsg_len already aligned by MessageBuilder).
std::vector<nlmsghdr*> split_messages(std::span<std::byte> requests) {
    std::vector<nlmsghdr*> msgs;
    int left = static_cast<int>(requests.size());
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(requests.data()); message_fits(nlh, left);
         nlh = mnl_nlmsg_next(nlh, &left))
        msgs.push_back(nlh);
    return msgs;
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

bool message_fits(const nlmsghdr* nlh, int len) {
    return len >= static_cast<int>(sizeof(nlmsghdr)) && nlh->nlmsg_len >= sizeof(nlmsghdr) &&
           nlh->nlmsg_len <= static_cast<unsigned>(len);
}

void throw_malformed(const char* message_type, const std::string& why) {
    throw HookError(ExitCode::failed_restored,
                    std::string("malformed ") + message_type + " from the kernel: " + why, EBADMSG);
}

NetlinkSocket::NetlinkSocket(std::unique_ptr<NetlinkTransport> transport, std::string label)
    : transport_(std::move(transport)),
      label_(std::move(label)),
      next_seq_(initial_seq()),
      receive_buffer_(std::make_unique_for_overwrite<std::byte[]>(kReceiveBufferBytes)) {}

NetlinkSocket NetlinkSocket::open_in(const Netns& netns) {
    return NetlinkSocket(open_rtnl_transport(netns), netns.label());
}

struct NetlinkSocket::Outcome {
    std::size_t sent_before = 0;  // requests of the batch in earlier datagrams
    KernelAnswer first_error;
    std::size_t first_error_index = 0;
    bool interrupted = false;
};

void NetlinkSocket::transact(MessageBatch& batch, std::string_view what,
                             const ReplyHandler& on_reply, const RequestNamer& name_request) {
    raise(exchange(batch.bytes(), what, on_reply), what, name_request);
}

void NetlinkSocket::transact(MessageBuilder& msg, std::string_view what,
                             const ReplyHandler& on_reply) {
    raise(exchange(msg.bytes(), what, on_reply), what, {});
}

int NetlinkSocket::transact_expecting(MessageBuilder& msg, std::string_view what, int expected,
                                      const ReplyHandler& on_reply) {
    Outcome outcome = exchange(msg.bytes(), what, on_reply);
    const KernelAnswer& e = outcome.first_error;
    if (e.error == expected && !e.malformed && !outcome.interrupted) return expected;
    raise(outcome, what, {});
    return 0;
}

NetlinkSocket::Outcome NetlinkSocket::exchange(std::span<std::byte> requests, std::string_view what,
                                               const ReplyHandler& on_reply) {
    std::vector<nlmsghdr*> msgs = split_messages(requests);
    NETDEV_LOG(trace) << "netlink " << what << " in " << label_ << ": " << msgs.size()
                      << " request(s), " << requests.size() << " bytes";
    // One datagram larger than the send buffer would be refused whole (EMSGSIZE, K15): send
    // as many requests per datagram as fit, each datagram answered before the next is sent.
    const std::size_t limit = transport_->max_datagram_bytes();
    Outcome outcome;
    for (std::size_t begin = 0; begin < msgs.size();) {
        std::size_t end = begin + 1, bytes = MNL_ALIGN(msgs[begin]->nlmsg_len);
        while (end < msgs.size() && bytes + MNL_ALIGN(msgs[end]->nlmsg_len) <= limit)
            bytes += MNL_ALIGN(msgs[end++]->nlmsg_len);
        outcome.sent_before = begin;
        exchange_datagram({msgs.data() + begin, end - begin}, bytes, outcome, on_reply);
        begin = end;
    }
    return outcome;
}

// The error of `outcome`, if any, thrown (transact()'s text and sys_errno).
void NetlinkSocket::raise(const Outcome& outcome, std::string_view what,
                          const RequestNamer& name_request) const {
    if (!outcome.first_error.error && !outcome.interrupted) return;
    std::string where = std::string(what) + " in " + label_;
    if (outcome.first_error.error) {
        const KernelAnswer& e = outcome.first_error;
        if (name_request) where += ": " + name_request(outcome.first_error_index);
        std::string msg = where + ": " + errno_text(e.error);
        if (e.malformed)
            msg = where + ": malformed reply from the kernel (" + e.extack + ")";
        else if (!e.extack.empty())
            msg += " (kernel: " + e.extack + ")";
        throw HookError(ExitCode::failed_restored, msg, e.error);
    }
    if (outcome.interrupted)
        throw HookError(ExitCode::failed_restored,
                        where + ": dump interrupted by a concurrent change", EINTR);
}

void NetlinkSocket::exchange_datagram(std::span<nlmsghdr* const> msgs, std::size_t bytes,
                                      Outcome& outcome, const ReplyHandler& on_reply) {
    // Stamp each request. Only the last asks for an ack: the kernel reports an error for any
    // request regardless, in order, so the last ack means all were processed; an ack per
    // request would overflow the receive buffer for large batches (ENOBUFS).
    std::vector<std::uint32_t> seqs, pending;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        nlmsghdr* nlh = msgs[i];
        nlh->nlmsg_flags |= NLM_F_REQUEST;
        nlh->nlmsg_seq = next_seq_++;
        seqs.push_back(nlh->nlmsg_seq);
        // Dumps end with NLMSG_DONE and are never acked.
        if (is_dump_request(*nlh))
            pending.push_back(nlh->nlmsg_seq);
        else if (i + 1 == msgs.size())
            nlh->nlmsg_flags |= NLM_F_ACK;
        else
            nlh->nlmsg_flags &= ~NLM_F_ACK;
    }
    if (!is_dump_request(*msgs.back())) pending.push_back(msgs.back()->nlmsg_seq);
    transport_->send({reinterpret_cast<const std::byte*>(msgs.front()), bytes});

    const std::uint32_t portid = transport_->port_id();
    std::span<std::byte> buf(receive_buffer_.get(), kReceiveBufferBytes);
    while (!pending.empty()) {
        int len = static_cast<int>(std::min(transport_->receive(buf), buf.size()));
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data()); message_fits(nlh, len);
             nlh = mnl_nlmsg_next(nlh, &len)) {
            // Stale answers (an earlier, abandoned request) or another port's traffic.
            if (!mnl_nlmsg_portid_ok(nlh, portid) ||
                std::find(seqs.begin(), seqs.end(), nlh->nlmsg_seq) == seqs.end())
                continue;
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) outcome.interrupted = true;
            if (nlh->nlmsg_type == NLMSG_NOOP) continue;
            if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE) {
                if (on_reply) on_reply(*nlh);
                continue;
            }
            KernelAnswer answer =
                nlh->nlmsg_type == NLMSG_ERROR ? decode_error(*nlh) : decode_done(*nlh);
            if (answer.error && !outcome.first_error.error) {
                outcome.first_error = answer;
                auto pos = std::find(seqs.begin(), seqs.end(), nlh->nlmsg_seq) - seqs.begin();
                outcome.first_error_index = outcome.sent_before + static_cast<std::size_t>(pos);
            }
            auto it = std::find(pending.begin(), pending.end(), nlh->nlmsg_seq);
            if (it != pending.end()) pending.erase(it);
        }
    }
}

NetlinkSocket kernel_socket(const Netns& netns) {
    return NetlinkSocket::open_in(netns);
}

}  // namespace netdev
