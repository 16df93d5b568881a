#include "netdev/netlink_message.hpp"

#include "common/error.hpp"

namespace netdev {

MessageBuilder::MessageBuilder(std::uint16_t type, std::uint16_t flags)
    : nlh_(mnl_nlmsg_put_header(buf_.data())) {
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = flags;
}

void MessageBuilder::put(std::uint16_t type, std::span<const std::uint8_t> data) {
    if (!mnl_attr_put_check(nlh_, buf_.size(), type, data.size(), data.data()))
        throw HookError(ExitCode::failed_restored,
                        "netlink request too large (attribute " + std::to_string(type) + ")");
}

void MessageBuilder::put_u32(std::uint16_t type, std::uint32_t v) {
    put(type, {reinterpret_cast<const std::uint8_t*>(&v), sizeof v});
}

void MessageBuilder::put_string(std::uint16_t type, const std::string& s) {
    put(type, {reinterpret_cast<const std::uint8_t*>(s.c_str()), s.size() + 1});
}

std::span<const std::byte> MessageBuilder::bytes() const {
    return {buf_.data(), nlh_->nlmsg_len};
}

std::span<std::byte> MessageBuilder::bytes() {
    return {buf_.data(), nlh_->nlmsg_len};
}

void MessageBatch::add(const MessageBuilder& msg) {
    auto b = msg.bytes();
    buf_.insert(buf_.end(), b.begin(), b.end());  // nlmsg_len is already NLMSG_ALIGNed
}

}  // namespace netdev
