#include "netdev/device_routes.hpp"

#include <linux/rtnetlink.h>

#include <cstring>

namespace netdev {

MessageBuilder& unicast_route_dump(MessageBuilder& msg, int oif) {
    auto& rtm = msg.extra_header<rtmsg>();
    rtm.rtm_family = AF_UNSPEC;
    rtm.rtm_table = RT_TABLE_UNSPEC;
    rtm.rtm_type = RTN_UNICAST;
    if (oif) msg.put_u32(RTA_OIF, static_cast<std::uint32_t>(oif));
    return msg;
}

void DeviceRoutes::for_each(int ifindex, const std::string& what,
                            const std::function<void(const nlmsghdr&)>& visit) {
    auto it = dumps_.find(ifindex);
    if (it == dumps_.end()) {
        std::vector<std::byte> kept = retry_interrupted_dump([&] {
            MessageBuilder msg(RTM_GETROUTE, NLM_F_DUMP);
            unicast_route_dump(msg, ifindex);
            std::vector<std::byte> bytes;
            sock_.transact(msg, what, [&](const nlmsghdr& nlh) {
                if (nlh.nlmsg_type != RTM_NEWROUTE) return;
                std::size_t at = bytes.size();
                bytes.resize(at + NLMSG_ALIGN(nlh.nlmsg_len));
                std::memcpy(bytes.data() + at, &nlh, nlh.nlmsg_len);
            });
            return bytes;
        });
        it = dumps_.emplace(ifindex, std::move(kept)).first;
    }
    // The messages are 4-byte aligned as the kernel sent them: vector storage is malloc's.
    const std::vector<std::byte>& bytes = it->second;
    for (std::size_t at = 0; at < bytes.size();) {
        const auto& nlh = *reinterpret_cast<const nlmsghdr*>(bytes.data() + at);
        visit(nlh);
        at += NLMSG_ALIGN(nlh.nlmsg_len);
    }
}

}  // namespace netdev
