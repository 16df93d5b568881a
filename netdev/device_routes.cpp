#include "netdev/device_routes.hpp"

#include <linux/rtnetlink.h>

#include <cstring>

namespace netdev {
namespace {

void replay(const std::vector<std::byte>& bytes,
            const std::function<void(const nlmsghdr&)>& visit) {
    // Each message starts at an NLMSG_ALIGN offset of operator new's storage, as it came.
    for (std::size_t at = 0; at < bytes.size();) {
        const auto& nlh = *reinterpret_cast<const nlmsghdr*>(bytes.data() + at);
        visit(nlh);
        at += NLMSG_ALIGN(nlh.nlmsg_len);
    }
}

}  // namespace

MessageBuilder& unicast_route_dump(MessageBuilder& msg, int oif) {
    auto& rtm = msg.extra_header<rtmsg>();
    rtm.rtm_family = AF_UNSPEC;
    rtm.rtm_table = RT_TABLE_UNSPEC;
    rtm.rtm_type = RTN_UNICAST;
    if (oif) msg.put_u32(RTA_OIF, static_cast<std::uint32_t>(oif));
    return msg;
}

void DeviceRoutes::for_each(int ifindex, const std::string& what,
                            const std::function<void()>& restart,
                            const std::function<void(const nlmsghdr&)>& visit) {
    auto dump = [&](const std::function<void(const nlmsghdr&)>& each) {
        MessageBuilder msg(RTM_GETROUTE, NLM_F_DUMP);
        unicast_route_dump(msg, ifindex);
        sock_.transact(msg, what, [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_type == RTM_NEWROUTE) each(nlh);
        });
    };
    auto it = kept_.find(ifindex);
    if (it == kept_.end()) {
        if (!keep_.contains(ifindex) || !sock_.features().strict_check) {
            retry_interrupted_dump([&] {
                restart();
                dump(visit);
            });
            return;
        }
        std::vector<std::byte> bytes = retry_interrupted_dump([&] {
            std::vector<std::byte> attempt;
            dump([&](const nlmsghdr& nlh) {
                std::size_t at = attempt.size();
                attempt.resize(at + NLMSG_ALIGN(nlh.nlmsg_len));
                std::memcpy(attempt.data() + at, &nlh, nlh.nlmsg_len);
            });
            return attempt;
        });
        it = kept_.emplace(ifindex, std::move(bytes)).first;
    }
    restart();
    replay(it->second, visit);
}

}  // namespace netdev
