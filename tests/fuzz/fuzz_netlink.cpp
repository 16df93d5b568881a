// libFuzzer target: arbitrary bytes as the kernel's side of a netlink socket. The input is
//   byte 0: what to run, modulo 4: 0 parse_link, 1 parse_address, 3 parse_route and its
//           multipath walk (the rest is one message), 2 a request through the real
//           NetlinkSocket loop, picked by byte 1 (see run_request: links, addresses, routes,
//           the guardrails' default routes and whole set),
//           byte 2 setting the send-buffer limit, the rest being the kernel's reply datagrams,
//           each as a 2-byte little-endian length and that many bytes.
// Reply sequence numbers are mapped onto the requests actually sent (a fuzzer cannot guess
// them), unless their top bit is set: those stay stale. Only HookError may come out: anything
// else (a crash, another exception, a leak, a hang, sanitizer reports) is a bug.
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include <boost/log/core.hpp>

#include "common/error.hpp"
#include "netdev/address.hpp"
#include "netdev/default_routes.hpp"
#include "netdev/guardrails.hpp"
#include "netdev/link.hpp"
#include "netdev/netlink_socket.hpp"
#include "netdev/route_nexthops.hpp"
#include "netdev/routes.hpp"

namespace {

using namespace netdev;

class FuzzKernel final : public NetlinkTransport {
  public:
    FuzzKernel(std::span<const std::uint8_t> replies, std::size_t max_datagram)
        : replies_(replies), max_datagram_(max_datagram) {}

    void send(std::span<const std::byte> bytes) override {
        int left = static_cast<int>(bytes.size());
        for (auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data()); mnl_nlmsg_ok(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left))
            seqs_.push_back(nlh->nlmsg_seq);
    }

    std::size_t receive(std::span<std::byte> buffer) override {
        if (replies_.size() < 2) throw HookError(ExitCode::failed_restored, "no more replies");
        std::size_t len = replies_[0] | (std::size_t(replies_[1]) << 8);
        replies_ = replies_.subspan(2);
        len = std::min({len, replies_.size(), buffer.size()});
        std::memcpy(buffer.data(), replies_.data(), len);
        replies_ = replies_.subspan(len);
        map_sequence_numbers(buffer.first(len));
        return len;
    }

    std::uint32_t port_id() const override { return 4242; }
    std::size_t max_datagram_bytes() const override { return max_datagram_; }

  private:
    void map_sequence_numbers(std::span<std::byte> datagram) {
        int left = static_cast<int>(datagram.size());
        for (auto* nlh = reinterpret_cast<nlmsghdr*>(datagram.data()); message_fits(nlh, left);
             nlh = mnl_nlmsg_next(nlh, &left))
            if (!(nlh->nlmsg_seq & 0x80000000u) && !seqs_.empty())
                nlh->nlmsg_seq = seqs_[nlh->nlmsg_seq % seqs_.size()];
    }

    std::span<const std::uint8_t> replies_;
    std::size_t max_datagram_;
    std::vector<std::uint32_t> seqs_;
};

std::vector<AddressRecord> some_addresses() {
    std::vector<AddressRecord> out(12);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].family = i % 2 ? AF_INET6 : AF_INET;
        out[i].prefixlen = 24;
        out[i].flags = IFA_F_PERMANENT;
        out[i].label = i % 3 ? "" : "v0:" + std::to_string(i);
        out[i].replayed.push_back(
            {IFA_ADDRESS, std::vector<std::uint8_t>(i % 2 ? 16 : 4, std::uint8_t(i))});
    }
    return out;
}

void run_request(std::uint8_t which, NetlinkSocket& sock) {
    switch (which % 11) {
        case 0:
            list_links(sock);
            break;
        case 1:
            find_link_by_name(sock, "eth0");
            break;
        case 2:
            find_link_by_name(sock, "an-altname-longer-than-fifteen-bytes");
            break;
        case 3:
            find_link_by_index(sock, 3);
            break;
        case 4:
            dump_addresses(sock, 3, "eth0");
            break;
        case 5:
            restore_addresses(sock, 3, "v0", "c0", some_addresses());
            break;
        case 7:
            dump_routes(sock, 3, "eth0");
            break;
        case 8:
            list_routes(sock);
            break;
        case 9:
            default_route_devices(sock);
            break;
        case 10: {  // the link dump walked in place, routes filtered, names looked up
            ResolvedDevice asked;
            asked.host_link.emplace();
            asked.host_link->index = 3;
            asked.host_link->name = "eth0";
            asked.host_link->master = 4;
            host_guarded_set(sock, {asked}, dumped_host_stack);
            break;
        }
        default: {
            LinkInfo link;
            link.index = 3;
            link.name = "eth0";
            set_link_up(sock, link, true);
        }
    }
}

// One message as the request loop hands it over: only after message_fits() said it fits.
template <typename Parse>
void parse_one(std::span<const std::uint8_t> bytes, Parse parse) {
    std::vector<std::uint32_t> aligned((bytes.size() + 3) / 4);  // nlmsghdr alignment
    std::memcpy(aligned.data(), bytes.data(), bytes.size());
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(aligned.data());
    if (message_fits(nlh, static_cast<int>(bytes.size()))) parse(*nlh);
}

}  // namespace

// The request loop logs every request at trace level; Boost.Log without set-up prints all.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    boost::log::core::get()->set_logging_enabled(false);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    std::span<const std::uint8_t> input(data, size);
    try {
        switch (data[0] % 4) {
            case 0:
                parse_one(input.subspan(1), [](const nlmsghdr& n) { parse_link(n); });
                break;
            case 1:
                parse_one(input.subspan(1), [](const nlmsghdr& n) { parse_address(n); });
                break;
            case 3:
                parse_one(input.subspan(1), [](const nlmsghdr& n) {
                    RouteRecord r = parse_route(n);
                    r.output_indexes();
                    r.describe("eth0");
                    if (const RouteAttribute* mp = find_raw(r.replayed, RTA_MULTIPATH))
                        with_device(*mp, 7);
                });
                break;
            default: {
                std::size_t max_datagram = 40 + std::size_t(data[2]) * 8;
                NetlinkSocket sock(std::make_unique<FuzzKernel>(input.subspan(3), max_datagram),
                                   "fuzz netns");
                run_request(data[1], sock);
            }
        }
    } catch (const HookError&) {
    }
    return 0;
}
