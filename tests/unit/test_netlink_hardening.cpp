// The request loop and the reply decoders facing what a kernel may do (split batches, retried
// dumps, kernels without strict checking or extended acks) and what it must not be trusted
// with (short headers, attributes of the wrong size), through the byte-level fake kernel.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "netdev/address.hpp"
#include "netdev/default_routes.hpp"
#include "netdev/link.hpp"
#include "netdev/routes.hpp"
#include "tests/support/fake_kernel.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

MessageBatch address_batch(int n) {
    MessageBatch batch;
    for (int i = 0; i < n; ++i) {
        MessageBuilder m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
        m.extra_header<ifaddrmsg>().ifa_prefixlen = static_cast<std::uint8_t>(i);
        batch.add(m);
    }
    return batch;
}

void reply_link(FakeKernel& k, const nlmsghdr& req, int index, const char* name) {
    ReplyMessage r(RTM_NEWLINK, req, NLM_F_MULTI);
    r.extra_header<ifinfomsg>().ifi_index = index;
    r.put_str(IFLA_IFNAME, name);
    k.queue(r);
}

// A reply built by hand: ifinfomsg/ifaddrmsg truncated or attributes of any size.
struct RawReply {
    alignas(nlmsghdr) std::byte buf[512]{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
    RawReply(std::uint16_t type, std::size_t header_bytes) {
        nlh->nlmsg_type = type;
        mnl_nlmsg_put_extra_header(nlh, header_bytes);
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + header_bytes;  // unaligned when asked to be
    }
    void put(std::uint16_t type, std::size_t len, std::uint8_t fill = 1) {
        std::vector<std::uint8_t> data(len, fill);
        mnl_attr_put(nlh, type, len, data.data());
    }
};

std::string malformed_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const HookError& e) {
        CHECK(e.sys_errno() == EBADMSG);
        return e.what();
    }
    FAIL("no error");
    return {};
}

// An RTM_NEWROUTE whose payload is 4 bytes: shorter than rtmsg (12).
void reply_short_route(FakeKernel& k, const nlmsghdr& req) {
    ReplyMessage r(RTM_NEWROUTE, req, NLM_F_MULTI);
    r.extra_header<std::uint32_t>() = AF_INET;
    k.queue(r);
}

}  // namespace

TEST_CASE("a batch larger than the send buffer goes out in datagrams that fit, each acked") {
    int n = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        ++n;
        k.ack(req, n == 35 ? EINVAL : 0, n == 35 ? "bad prefix" : "");
    });
    f.kernel->max_datagram = 10 * 24 + 5;  // ten RTM_NEWADDR of 24 bytes
    MessageBatch batch = address_batch(100);
    CHECK_THROWS_WITH_AS(f.sock.transact(batch, "restore"),
                         "restore in fake netns: Invalid argument (kernel: bad prefix)", HookError);
    CHECK(f.kernel->requests.size() == 100);  // the error did not stop the later datagrams
    CHECK(f.kernel->datagrams_sent == 10);
    for (std::size_t size : f.kernel->datagram_sizes) CHECK(size <= f.kernel->max_datagram);
    int acked = 0;
    for (std::size_t i = 0; i < 100; ++i) {
        bool ack = as_nlmsg(f.kernel->requests[i]).nlmsg_flags & NLM_F_ACK;
        acked += ack;
        CHECK(ack == (i % 10 == 9));  // the last of each datagram
    }
    CHECK(acked == 10);
    MessageBuilder next(RTM_NEWLINK, 0);
    next.extra_header<ifinfomsg>().ifi_index = 1;
    CHECK_NOTHROW(f.sock.transact(next, "after"));  // still in step
}

TEST_CASE("a batch that fits the send buffer is one datagram") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    MessageBatch batch = address_batch(100);
    f.sock.transact(batch, "restore");
    CHECK(f.kernel->datagrams_sent == 1);
}

TEST_CASE("restore_addresses of 5000 IPv6 addresses fits a 208 KiB send buffer by splitting") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    f.kernel->max_datagram = 212992 - 32;  // net.core.wmem_default
    std::vector<AddressRecord> addrs(5000);
    for (std::size_t i = 0; i < addrs.size(); ++i) {
        addrs[i].family = AF_INET6;
        addrs[i].prefixlen = 64;
        addrs[i].flags = IFA_F_PERMANENT | IFA_F_NODAD;
        std::vector<std::uint8_t> a(16, 0x20);
        a[14] = static_cast<std::uint8_t>(i >> 8);
        a[15] = static_cast<std::uint8_t>(i);
        addrs[i].replayed.push_back({IFA_ADDRESS, a});
    }
    restore_addresses(f.sock, 7, "v0", "c0", addrs);
    CHECK(f.kernel->requests.size() == 5000);
    std::size_t total = 0;
    for (const auto& r : f.kernel->requests) total += r.size();
    CHECK(total > f.kernel->max_datagram);  // one datagram would have been refused
    CHECK(f.kernel->datagrams_sent == 2);
}

TEST_CASE("a failed restore names the address the kernel refused, also in a later datagram") {
    int n = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        ++n;
        k.ack(req, n == 7 ? EEXIST : 0);
    });
    f.kernel->max_datagram = 3 * 64;  // a few addresses per datagram
    std::vector<AddressRecord> addrs(10);
    for (std::size_t i = 0; i < addrs.size(); ++i) {
        addrs[i].family = AF_INET;
        addrs[i].prefixlen = 24;
        addrs[i].replayed.push_back({IFA_LOCAL, {192, 0, 2, std::uint8_t(i + 1)}});
    }
    CHECK_THROWS_WITH_AS(restore_addresses(f.sock, 7, "v0", "c0", addrs),
                         "restore 10 address(es) on c0 in fake netns: 192.0.2.7/24 scope 0 "
                         "flags 0x0: File exists",
                         HookError);
    CHECK(f.kernel->datagrams_sent > 2);
}

TEST_CASE("an interrupted link dump is retried and its links counted once") {
    int calls = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        reply_link(k, req, 1, "lo");
        reply_link(k, req, 2, "eth0");
        k.done(req, ++calls < 3 ? NLM_F_DUMP_INTR : 0);
    });
    std::vector<LinkInfo> links = list_links(f.sock);
    CHECK(links.size() == 2);
    CHECK(calls == 3);
}

TEST_CASE("a link dump interrupted every time gives up with EINTR") {
    int calls = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        ++calls;
        k.done(req, NLM_F_DUMP_INTR);
    });
    try {
        list_links(f.sock);
        FAIL("no error");
    } catch (const HookError& e) {
        CHECK(e.sys_errno() == EINTR);
    }
    CHECK(calls == kDumpAttempts);
}

TEST_CASE("a name over 15 bytes is looked up as an altname (IFLA_ALT_IFNAME), not IFLA_IFNAME") {
    const std::string alt(40, 'a');
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req, ENODEV); });
    find_link_by_name(f.sock, alt);
    find_link_by_name(f.sock, "eth0");
    const nlmsghdr& longreq = as_nlmsg(f.kernel->requests[0]);
    const nlmsghdr& shortreq = as_nlmsg(f.kernel->requests[1]);
    REQUIRE(find_attr(longreq, sizeof(ifinfomsg), IFLA_ALT_IFNAME));
    CHECK(mnl_attr_get_str(find_attr(longreq, sizeof(ifinfomsg), IFLA_ALT_IFNAME)) == alt);
    CHECK_FALSE(find_attr(longreq, sizeof(ifinfomsg), IFLA_IFNAME));
    CHECK(find_attr(shortreq, sizeof(ifinfomsg), IFLA_IFNAME));
    CHECK_FALSE(find_attr(shortreq, sizeof(ifinfomsg), IFLA_ALT_IFNAME));
}

TEST_CASE("a link's altnames up to 127 bytes are read") {
    const std::string alt(127, 'z');
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        ReplyMessage r(RTM_NEWLINK, req);
        r.extra_header<ifinfomsg>().ifi_index = 3;
        r.put_str(IFLA_IFNAME, "v0");
        nlattr* nest = mnl_attr_nest_start(r.header(), IFLA_PROP_LIST);
        r.put_str(IFLA_ALT_IFNAME, alt);
        mnl_attr_nest_end(r.header(), nest);
        k.queue(r);
        k.ack(req);
    });
    auto link = find_link_by_name(f.sock, "v0");
    REQUIRE(link);
    CHECK(link->altnames == std::vector<std::string>{alt});
}

TEST_CASE("netlink options the kernel lacks are left off and remembered; other failures throw") {
    auto lacking = [](int missing) {
        return [missing](int opt) {
            if (opt != missing) return 0;
            errno = ENOPROTOOPT;
            return -1;
        };
    };
    NetlinkFeatures rhel8 = enable_netlink_features(lacking(NETLINK_GET_STRICT_CHK), "host");
    CHECK(rhel8.extended_ack);
    CHECK(rhel8.capped_ack);
    CHECK_FALSE(rhel8.strict_check);
    NetlinkFeatures no_extack = enable_netlink_features(lacking(NETLINK_EXT_ACK), "host");
    CHECK_FALSE(no_extack.extended_ack);
    CHECK(no_extack.strict_check);
    auto denied = [](int) {
        errno = EPERM;
        return -1;
    };
    CHECK_THROWS_WITH_AS(enable_netlink_features(denied, "host"),
                         "setsockopt NETLINK_EXT_ACK in host: Operation not permitted", HookError);
}

TEST_CASE("without strict checking the address dump of every device is filtered here") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        // A 4.18 kernel ignores ifa_index in a dump request: every device's addresses come.
        for (int index : {2, 4, 5, 4}) {
            ReplyMessage r(RTM_NEWADDR, req, NLM_F_MULTI);
            auto& ifa = r.extra_header<ifaddrmsg>();
            ifa.ifa_family = AF_INET;
            ifa.ifa_index = static_cast<std::uint32_t>(index);
            k.queue(r);
        }
        k.done(req);
    });
    f.kernel->kernel_features.strict_check = false;
    CHECK_FALSE(f.sock.features().strict_check);
    std::vector<AddressRecord> addrs = dump_addresses(f.sock, 4, "v0");
    CHECK(addrs.size() == 2);
    for (const AddressRecord& a : addrs) CHECK(a.index == 4);
}

TEST_CASE("an uncapped error (no NETLINK_CAP_ACK) finds the extack after the echoed request") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        // What a kernel without CAP_ACK sends: the whole request echoed, then the TLVs.
        ReplyMessage r(NLMSG_ERROR, req, NLM_F_ACK_TLVS);
        auto* err = static_cast<nlmsgerr*>(
            mnl_nlmsg_put_extra_header(r.header(), sizeof(nlmsgerr) + req.nlmsg_len - 16));
        err->error = -EINVAL;
        std::memcpy(&err->msg, &req, req.nlmsg_len);
        r.put_str(NLMSGERR_ATTR_MSG, "unknown flag");
        k.queue(r);
    });
    MessageBuilder m(RTM_NEWLINK, 0);
    m.extra_header<ifinfomsg>().ifi_index = 3;
    m.put_string(IFLA_IFNAME, "c0");
    CHECK_THROWS_WITH_AS(f.sock.transact(m, "rename"),
                         "rename in fake netns: Invalid argument (kernel: unknown flag)",
                         HookError);
}

TEST_CASE("an error whose echoed request length lies keeps its errno and reads nothing past it") {
    for (std::uint32_t lie : {0u, 15u, 4096u, 0xFFFFFFFFu}) {
        FakeSocket f([lie](FakeKernel& k, const nlmsghdr& req) {
            ReplyMessage r(NLMSG_ERROR, req, NLM_F_ACK_TLVS);  // not capped
            auto& err = r.extra_header<nlmsgerr>();
            err.error = -EPERM;
            err.msg = req;
            err.msg.nlmsg_len = lie;
            r.put_str(NLMSGERR_ATTR_MSG, "x");
            k.queue(r);
        });
        MessageBuilder m(RTM_NEWLINK, 0);
        m.extra_header<ifinfomsg>();
        try {
            f.sock.transact(m, "set");
            FAIL("no error");
        } catch (const HookError& e) {
            CHECK(e.sys_errno() == EPERM);
        }
    }
}

TEST_CASE("an error code no kernel sends is a malformed reply, not an errno") {
    for (int code : {INT_MIN, -4096, 1, 17}) {
        FakeSocket f([code](FakeKernel& k, const nlmsghdr& req) {
            ReplyMessage r(NLMSG_ERROR, req, NLM_F_CAPPED);
            auto& err = r.extra_header<nlmsgerr>();
            err.error = code;
            err.msg = req;
            k.queue(r);
        });
        MessageBuilder m(RTM_NEWLINK, 0);
        m.extra_header<ifinfomsg>();
        CHECK(malformed_message([&] {
                  f.sock.transact(m, "set");
              }).starts_with("set in fake netns: malformed reply from the kernel (NLMSG_ERROR"));
    }
}

TEST_CASE("a reply whose nlmsg_len is 2 GiB or more is dropped, not walked (found by fuzzing)") {
    for (std::uint32_t len : {0x80000000u, 0xFFFFFFFCu, 0xFFFFFFFFu}) {
        CAPTURE(len);
        FakeSocket f([len](FakeKernel& k, const nlmsghdr& req) {
            ReplyMessage bogus(NLMSG_ERROR, req);
            bogus.extra_header<nlmsgerr>().error = -EPERM;
            std::vector<std::byte> d = bogus.bytes();
            reinterpret_cast<nlmsghdr*>(d.data())->nlmsg_len = len;
            k.queue_raw(d);
            k.ack(req);
        });
        MessageBuilder m(RTM_NEWLINK, 0);
        m.extra_header<ifinfomsg>();
        CHECK_NOTHROW(f.sock.transact(m, "set"));
    }
}

TEST_CASE("RTM_NEWLINK: a short header or attributes of the wrong size are malformed") {
    RawReply short_header(RTM_NEWLINK, sizeof(ifinfomsg) - 4);
    CHECK(malformed_message([&] { parse_link(*short_header.nlh); }) ==
          "malformed RTM_NEWLINK from the kernel: shorter than ifinfomsg");
    struct Case {
        std::uint16_t type;
        std::size_t len;
    };
    for (Case c : {Case{IFLA_MTU, 2}, Case{IFLA_MTU, 8}, Case{IFLA_ADDRESS, 33},
                   Case{IFLA_PERM_ADDRESS, 40}, Case{IFLA_IFNAME, 20}}) {
        CAPTURE(c.type);
        RawReply r(RTM_NEWLINK, sizeof(ifinfomsg));
        static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(r.nlh))->ifi_index = 2;
        mnl_attr_put_strz(r.nlh, IFLA_IFNAME, "v0");
        r.put(c.type, c.len, 'a');
        malformed_message([&] { parse_link(*r.nlh); });
    }
    RawReply unnamed(RTM_NEWLINK, sizeof(ifinfomsg));
    CHECK(malformed_message([&] { parse_link(*unnamed.nlh); }) ==
          "malformed RTM_NEWLINK from the kernel: no ifindex or no name");
}

TEST_CASE("RTM_NEWLINK: a MAC of any length up to 32 bytes is read as it is") {
    for (std::size_t len : {0, 5, 6, 20, 32}) {
        RawReply r(RTM_NEWLINK, sizeof(ifinfomsg));
        static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(r.nlh))->ifi_index = 2;
        mnl_attr_put_strz(r.nlh, IFLA_IFNAME, "v0");
        r.put(IFLA_ADDRESS, len, 7);
        CHECK(parse_link(*r.nlh).mac == std::vector<std::uint8_t>(len, 7));
    }
}

TEST_CASE("RTM_NEWLINK: per-device settings of any length in IFLA_AF_SPEC, whole values only") {
    for (std::size_t len : {0, 2, 4, 6, 8, 120}) {
        CAPTURE(len);
        RawReply r(RTM_NEWLINK, sizeof(ifinfomsg));
        static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(r.nlh))->ifi_index = 2;
        mnl_attr_put_strz(r.nlh, IFLA_IFNAME, "v0");
        nlattr* spec = mnl_attr_nest_start(r.nlh, IFLA_AF_SPEC);
        nlattr* other = mnl_attr_nest_start(r.nlh, AF_PACKET);  // a family we do not read
        mnl_attr_put_u32(r.nlh, 1, 9);
        mnl_attr_nest_end(r.nlh, other);
        nlattr* inet = mnl_attr_nest_start(r.nlh, AF_INET);
        std::vector<std::uint8_t> conf(len, 1);
        mnl_attr_put(r.nlh, IFLA_INET_CONF, len, conf.data());
        mnl_attr_nest_end(r.nlh, inet);
        nlattr* inet6 = mnl_attr_nest_start(r.nlh, AF_INET6);
        mnl_attr_put(r.nlh, IFLA_INET6_CONF, len, conf.data());
        mnl_attr_nest_end(r.nlh, inet6);
        mnl_attr_nest_end(r.nlh, spec);
        LinkInfo l = parse_link(*r.nlh);
        CHECK(l.inet_conf.size() == len / 4);
        CHECK(l.inet6_conf.size() == len / 4);
        if (len >= 4) CHECK(l.inet_conf[0] == 0x01010101);
    }
}

TEST_CASE("RTM_NEWADDR: a short header or attributes of the wrong size are malformed") {
    RawReply short_header(RTM_NEWADDR, sizeof(ifaddrmsg) - 1);
    CHECK(malformed_message([&] { parse_address(*short_header.nlh); }) ==
          "malformed RTM_NEWADDR from the kernel: shorter than ifaddrmsg");
    struct Case {
        std::uint8_t family;
        std::uint16_t type;
        std::size_t len;
    };
    for (Case c : {Case{AF_INET, IFA_LOCAL, 16}, Case{AF_INET6, IFA_ADDRESS, 4},
                   Case{AF_INET, IFA_BROADCAST, 5}, Case{AF_INET, IFA_CACHEINFO, 12},
                   Case{AF_INET, IFA_FLAGS, 2}, Case{AF_INET6, IFA_RT_PRIORITY, 1},
                   Case{AF_INET, IFA_PROTO, 4}, Case{AF_INET, IFA_LABEL, 3}}) {
        CAPTURE(c.type);
        RawReply r(RTM_NEWADDR, sizeof(ifaddrmsg));
        static_cast<ifaddrmsg*>(mnl_nlmsg_get_payload(r.nlh))->ifa_family = c.family;
        r.put(c.type, c.len, 'a');  // a label without its NUL
        malformed_message([&] { parse_address(*r.nlh); });
    }
}

TEST_CASE("payload_as: a payload shorter than the header is nullptr, a whole one is read") {
    alignas(nlmsghdr) std::byte buf[64]{};
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWROUTE;
    mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg));
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(rtmsg) - 1;
    CHECK(payload_as<rtmsg>(nlh) == nullptr);
    CHECK(payload_as<std::uint32_t>(nlh) != nullptr);
    nlh->nlmsg_len = 4;  // shorter than its own header
    CHECK(payload_as<std::uint32_t>(nlh) == nullptr);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(rtmsg);
    CHECK(payload_as<rtmsg>(nlh) == mnl_nlmsg_get_payload(nlh));
    CHECK(malformed_message([&] {
              nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
              payload_as<rtmsg>(*nlh, "RTM_NEWROUTE", "rtmsg");
          }) == "malformed RTM_NEWROUTE from the kernel: shorter than rtmsg");
}

TEST_CASE("a route reply shorter than rtmsg is refused by the route dump and the guardrails") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        reply_short_route(k, req);
        k.done(req);
    });
    CHECK(malformed_message([&] { dump_routes(f.sock, 4, "v0"); }) ==
          "malformed RTM_NEWROUTE from the kernel: shorter than rtmsg");
    CHECK(malformed_message([&] { list_routes(f.sock); }) ==
          "malformed RTM_NEWROUTE from the kernel: shorter than rtmsg");
    // Not skipped: a default route left unread would hide an uplink.
    CHECK(malformed_message([&] { default_route_devices(f.sock); }) ==
          "malformed RTM_NEWROUTE from the kernel: shorter than rtmsg");
}
