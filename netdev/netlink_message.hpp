#pragma once
// Building rtnetlink requests with libmnl into a bounded buffer, and batching several into one
// datagram (one sendmsg for N requests; the kernel acks each).
#include <libmnl/libmnl.h>

#include <array>
#include <cstddef>
#include <cstdint>
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
    std::span<std::byte> bytes() { return {buf_.data(), buf_.size()}; }
    bool empty() const { return buf_.empty(); }

  private:
    std::vector<std::byte> buf_;
};

}  // namespace netdev
