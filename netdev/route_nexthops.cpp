#include "netdev/route_nexthops.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include <cstring>

namespace netdev {
namespace {

std::vector<std::uint8_t> gateway_of(std::span<const std::uint8_t> data, std::size_t off,
                                     const rtnexthop& nh) {
    // rtnexthop's attributes are rtattr, laid out like nlattr; copied for alignment.
    std::size_t start = off + RTNH_ALIGN(sizeof nh), end = off + nh.rtnh_len;
    std::vector<std::uint8_t> gateway;
    if (start >= end) return gateway;
    std::vector<std::uint32_t> aligned((end - start + 3) / 4);
    std::memcpy(aligned.data(), data.data() + start, end - start);
    auto cb = [](const nlattr* attr, void* out) -> int {
        if (mnl_attr_get_type(attr) == RTA_GATEWAY) {
            const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
            static_cast<std::vector<std::uint8_t>*>(out)->assign(
                p, p + mnl_attr_get_payload_len(attr));
        }
        return MNL_CB_OK;
    };
    mnl_attr_parse_payload(aligned.data(), end - start, cb, &gateway);
    return gateway;
}

}  // namespace

std::vector<Nexthop> nexthops(const RawAttribute& multipath) {
    std::vector<Nexthop> out;
    for_each_rtnexthop(multipath.data, [&](std::size_t off, const rtnexthop& nh) {
        out.push_back(
            {nh.rtnh_ifindex, nh.rtnh_flags, nh.rtnh_hops, gateway_of(multipath.data, off, nh)});
    });
    return out;
}

std::vector<std::uint8_t> with_device(const RawAttribute& multipath, int ifindex) {
    std::vector<std::uint8_t> out = multipath.data.to_vector();
    for_each_rtnexthop(out, [&](std::size_t off, rtnexthop nh) {
        nh.rtnh_ifindex = ifindex;
        nh.rtnh_flags &= RTNH_F_ONLINK;
        std::memcpy(out.data() + off, &nh, sizeof nh);
    });
    return out;
}

}  // namespace netdev
