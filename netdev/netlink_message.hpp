#pragma once
// Building rtnetlink requests with libmnl into a bounded buffer, and batching several into one
// datagram (one sendmsg for N requests; the kernel acks each).
#include <libmnl/libmnl.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace netdev {

// A reply that no kernel sends (payload shorter than its header, an attribute shorter or
// longer than its type): HookError with EBADMSG, naming the message type and the problem.
[[noreturn]] void throw_malformed(const char* message_type, const std::string& why);

// The fixed family header at the start of a message's payload (rtmsg, ifinfomsg, ifaddrmsg,
// nhmsg, nlmsgerr...), or nullptr when the payload is shorter than T: the one way a payload
// struct is read from what the kernel sent.
template <typename T>
const T* payload_as(const nlmsghdr* nlh) noexcept {
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN || nlh->nlmsg_len - MNL_NLMSG_HDRLEN < sizeof(T))
        return nullptr;
    return static_cast<const T*>(mnl_nlmsg_get_payload(nlh));
}

// payload_as(), throwing throw_malformed(message_type, "shorter than <header>") instead of
// returning nullptr.
template <typename T>
const T& payload_as(const nlmsghdr& nlh, const char* message_type, const char* header) {
    const T* p = payload_as<T>(&nlh);
    if (!p) throw_malformed(message_type, std::string("shorter than ") + header);
    return *p;
}

// The attributes after a message's fixed header of `header_len` bytes (payload_as<>() said it
// is there), as bytes.
inline std::span<const std::uint8_t> attributes_of(const nlmsghdr& nlh, std::size_t header_len) {
    std::size_t start = MNL_NLMSG_HDRLEN + MNL_ALIGN(header_len);
    if (nlh.nlmsg_len <= start) return {};
    return {reinterpret_cast<const std::uint8_t*>(&nlh) + start, nlh.nlmsg_len - start};
}

// The one walk over length-prefixed records (nlattr, rtnexthop: a u16 length at offset 0
// that counts the header, each record aligned to 4 bytes), inlined into the caller:
// f(offset, a copy of the header) for each whole record; stops at the first one shorter than
// its header or longer than what is left. Nothing past `data` is read.
template <typename Header, typename F>
void for_each_record(std::span<const std::uint8_t> data, F&& f) {
    std::size_t off = 0;
    while (data.size() - off >= sizeof(Header)) {
        Header h;
        std::memcpy(&h, data.data() + off, sizeof h);
        std::uint16_t len;
        std::memcpy(&len, &h, sizeof len);
        if (len < sizeof h || len > data.size() - off) return;
        f(off, h);
        std::size_t step = (std::size_t{len} + 3) & ~std::size_t{3};
        if (step >= data.size() - off) return;
        off += step;
    }
}

// An attribute walk for a hot loop over many messages (libmnl's mnl_attr_parse calls out
// per attribute): f(type without the nested flag, payload) for each attribute of `data`.
template <typename F>
void for_each_attribute(std::span<const std::uint8_t> data, F&& f) {
    for_each_record<nlattr>(data, [&](std::size_t off, const nlattr& a) {
        f(static_cast<std::uint16_t>(a.nla_type & NLA_TYPE_MASK),
          data.subspan(off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN));
    });
}

class MessageBuilder {
  public:
    // NLM_F_REQUEST, sequence number and (for non-dumps) NLM_F_ACK are added when sent.
    MessageBuilder(std::uint16_t type, std::uint16_t flags);
    MessageBuilder(const MessageBuilder&) = delete;
    MessageBuilder& operator=(const MessageBuilder&) = delete;

    // The fixed family header (ifinfomsg, ifaddrmsg), zeroed.
    template <typename T>
    T& extra_header() {
        return *static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }
    void put(std::uint16_t type, std::span<const std::uint8_t> data);
    void put_u8(std::uint16_t type, std::uint8_t v) { put(type, {&v, 1}); }
    void put_u32(std::uint16_t type, std::uint32_t v);
    void put_string(std::uint16_t type, const std::string& s);  // NUL-terminated

    std::span<const std::byte> bytes() const;
    std::span<std::byte> bytes();

  private:
    // Not zero-filled: libmnl writes every byte it counts in nlmsg_len (headers, attributes
    // and their padding), and a restore builds one message per address.
    alignas(nlmsghdr) std::array<std::byte, 4096> buf_;
    nlmsghdr* nlh_;
};

// Several requests sent as one datagram.
class MessageBatch {
  public:
    void add(const MessageBuilder& msg);
    void reserve(std::size_t bytes) { buf_.reserve(bytes); }
    std::span<std::byte> bytes() { return {buf_.data(), buf_.size()}; }
    bool empty() const { return buf_.empty(); }

  private:
    std::vector<std::byte> buf_;
};

}  // namespace netdev
