// What the link and address operations put on the wire, and how they read the kernel's
// answers: field by field, through the fake kernel.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cerrno>

#include "common/error.hpp"
#include "netdev/address.hpp"
#include "netdev/link.hpp"
#include "tests/support/fake_kernel.hpp"

using namespace netdev;
using namespace netdev::test;

namespace {

const ifinfomsg& ifinfo(const std::vector<std::byte>& req) {
    return *static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&as_nlmsg(req)));
}

std::string str_attr(const std::vector<std::byte>& req, std::size_t hdr, std::uint16_t type) {
    const nlattr* a = find_attr(as_nlmsg(req), hdr, type);
    return a ? mnl_attr_get_str(a) : "<absent>";
}

std::vector<std::uint8_t> ip(int family, const char* text) {
    std::vector<std::uint8_t> out(family == AF_INET ? 4 : 16);
    inet_pton(family, text, out.data());
    return out;
}

LinkInfo link_named(const std::string& name, int index) {
    LinkInfo l;
    l.name = name;
    l.index = index;
    return l;
}

}  // namespace

TEST_CASE("move: ONE RTM_NEWLINK with the ifindex, IFLA_NET_NS_FD and IFLA_IFNAME") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    move_link(f.sock, link_named("eth1", 7), 42, "/proc/9/ns/net", "ctr0");
    REQUIRE(f.kernel->requests.size() == 1);
    const auto& req = f.kernel->requests[0];
    CHECK(as_nlmsg(req).nlmsg_type == RTM_NEWLINK);
    CHECK(ifinfo(req).ifi_index == 7);
    const nlattr* fd = find_attr(as_nlmsg(req), sizeof(ifinfomsg), IFLA_NET_NS_FD);
    REQUIRE(fd);
    CHECK(mnl_attr_get_u32(fd) == 42);
    CHECK(str_attr(req, sizeof(ifinfomsg), IFLA_IFNAME) == "ctr0");
}

TEST_CASE("set up and down change only IFF_UP") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    set_link_up(f.sock, link_named("eth1", 7), false);
    set_link_up(f.sock, link_named("eth1", 7), true);
    CHECK(ifinfo(f.kernel->requests[0]).ifi_change == IFF_UP);
    CHECK(ifinfo(f.kernel->requests[0]).ifi_flags == 0);
    CHECK(ifinfo(f.kernel->requests[1]).ifi_flags == IFF_UP);
}

TEST_CASE("lookup by name decodes the link and skips statistics") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        ReplyMessage r(RTM_NEWLINK, req);
        auto& ifi = r.extra_header<ifinfomsg>();
        ifi.ifi_index = 12;
        ifi.ifi_flags = IFF_UP | IFF_BROADCAST;
        r.put_str(IFLA_IFNAME, "eth1");
        r.put_u32(IFLA_MTU, 1400);
        const std::uint8_t mac[6] = {2, 0, 0, 0, 0, 9};
        r.put(IFLA_ADDRESS, mac, sizeof mac);
        nlattr* props = mnl_attr_nest_start(r.header(), IFLA_PROP_LIST);
        mnl_attr_put_strz(r.header(), IFLA_ALT_IFNAME, "enp3s0");
        mnl_attr_nest_end(r.header(), props);
        nlattr* info = mnl_attr_nest_start(r.header(), IFLA_LINKINFO);
        mnl_attr_put_strz(r.header(), IFLA_INFO_KIND, "veth");
        mnl_attr_nest_end(r.header(), info);
        k.queue(r);
        k.ack(req);
    });
    std::optional<LinkInfo> l = find_link_by_name(f.sock, "eth1");
    REQUIRE(l);
    CHECK(l->index == 12);
    CHECK(l->up());
    CHECK(l->mtu == 1400);
    CHECK(l->mac == std::vector<std::uint8_t>{2, 0, 0, 0, 0, 9});
    CHECK(l->altnames == std::vector<std::string>{"enp3s0"});
    CHECK(l->kind == "veth");
    const auto& req = f.kernel->requests[0];
    CHECK(str_attr(req, sizeof(ifinfomsg), IFLA_IFNAME) == "eth1");
    const nlattr* mask = find_attr(as_nlmsg(req), sizeof(ifinfomsg), IFLA_EXT_MASK);
    REQUIRE(mask);
    CHECK(mnl_attr_get_u32(mask) == RTEXT_FILTER_SKIP_STATS);
}

TEST_CASE("lookup of a missing link is nullopt; other errors propagate") {
    FakeSocket missing([](FakeKernel& k, const nlmsghdr& req) { k.ack(req, ENODEV); });
    CHECK_FALSE(find_link_by_name(missing.sock, "nope").has_value());
    FakeSocket denied([](FakeKernel& k, const nlmsghdr& req) { k.ack(req, EPERM); });
    CHECK_THROWS_AS(find_link_by_index(denied.sock, 3), HookError);
}

namespace {

void reply_address(FakeKernel& k, const nlmsghdr& req, int index, std::uint32_t flags,
                   std::uint8_t scope, const char* local, const char* label) {
    ReplyMessage r(RTM_NEWADDR, req, NLM_F_MULTI);
    auto& ifa = r.extra_header<ifaddrmsg>();
    ifa.ifa_family = AF_INET;
    ifa.ifa_prefixlen = 24;
    ifa.ifa_scope = scope;
    ifa.ifa_index = static_cast<std::uint32_t>(index);
    auto addr = ip(AF_INET, local);
    r.put(IFA_LOCAL, addr.data(), addr.size());
    r.put(IFA_ADDRESS, addr.data(), addr.size());
    auto brd = ip(AF_INET, "192.0.2.255");
    r.put(IFA_BROADCAST, brd.data(), brd.size());
    r.put_str(IFA_LABEL, label);
    r.put_u32(IFA_FLAGS, flags);
    k.queue(r);
}

}  // namespace

TEST_CASE("address dump is filtered by ifindex and keeps flags, broadcast and label") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) {
        reply_address(k, req, 4, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE, RT_SCOPE_UNIVERSE,
                      "192.0.2.1", "v0:a");
        reply_address(k, req, 5, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE, "192.0.2.9", "other");
        reply_address(k, req, 4, 0, RT_SCOPE_UNIVERSE, "192.0.2.2", "v0");
        reply_address(k, req, 4, IFA_F_PERMANENT, RT_SCOPE_HOST, "192.0.2.3", "v0");
        k.done(req);
    });
    std::vector<AddressRecord> all = dump_addresses(f.sock, 4, "v0");
    const auto& req = f.kernel->requests[0];
    CHECK((as_nlmsg(req).nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP);
    CHECK(static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&as_nlmsg(req)))->ifa_index == 4);
    REQUIRE(all.size() == 3);
    CHECK(all[0].describe() == "192.0.2.1/24 brd 192.0.2.255 label v0:a scope 0 flags 0x280");
    CHECK(is_carried(all[0]));
    CHECK_FALSE(is_carried(all[1]));  // not permanent
    CHECK_FALSE(is_carried(all[2]));  // host scope
}

TEST_CASE("an interrupted address dump is retried") {
    int calls = 0;
    FakeSocket f([&](FakeKernel& k, const nlmsghdr& req) {
        reply_address(k, req, 4, IFA_F_PERMANENT, 0, "192.0.2.1", "v0");
        k.done(req, ++calls == 1 ? NLM_F_DUMP_INTR : 0);
    });
    CHECK(dump_addresses(f.sock, 4, "v0").size() == 1);
    CHECK(calls == 2);
}

TEST_CASE("labels follow the new device name") {
    CHECK(relabel("v0", "v0", "ctr0") == "ctr0");
    CHECK(relabel("v0:web", "v0", "ctr0") == "ctr0:web");
    CHECK(relabel("odd:x", "v0", "c") == "c:x");
    CHECK(relabel("odd", "v0", "c") == "c");
}

TEST_CASE("restore sends every address in one datagram, replace semantics, label rewritten") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    AddressRecord a;
    a.family = AF_INET;
    a.prefixlen = 24;
    a.flags = IFA_F_PERMANENT | IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE;
    a.label = "v0:web";
    a.replayed.push_back({IFA_LOCAL, ip(AF_INET, "192.0.2.1")});
    a.replayed.push_back({IFA_ADDRESS, ip(AF_INET, "192.0.2.2")});
    AddressRecord b = a;
    b.label = "v0";
    restore_addresses(f.sock, 9, "v0", "ctr0", {a, b});
    REQUIRE(f.kernel->requests.size() == 2);
    CHECK(f.kernel->datagrams_sent == 1);
    const auto& req = f.kernel->requests[0];
    // Only the last of a batch asks for an ack; errors come for every request anyway.
    CHECK(as_nlmsg(req).nlmsg_flags == (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE));
    CHECK(as_nlmsg(f.kernel->requests[1]).nlmsg_flags ==
          (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE));
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&as_nlmsg(req)));
    CHECK(ifa->ifa_index == 9);
    CHECK(str_attr(req, sizeof(ifaddrmsg), IFA_LABEL) == "ctr0:web");
    CHECK(str_attr(f.kernel->requests[1], sizeof(ifaddrmsg), IFA_LABEL) == "ctr0");
    const nlattr* flags = find_attr(as_nlmsg(req), sizeof(ifaddrmsg), IFA_FLAGS);
    REQUIRE(flags);
    CHECK(mnl_attr_get_u32(flags) == IFA_F_NOPREFIXROUTE);  // kernel-derived flags dropped
    const nlattr* peer = find_attr(as_nlmsg(req), sizeof(ifaddrmsg), IFA_ADDRESS);
    REQUIRE(peer);
    CHECK(mnl_attr_get_payload_len(peer) == 4);
}

TEST_CASE("a label that would exceed 15 bytes is refused before sending") {
    FakeSocket f([](FakeKernel& k, const nlmsghdr& req) { k.ack(req); });
    AddressRecord a;
    a.family = AF_INET;
    a.label = "v0:abcdefghijk";
    CHECK_THROWS_AS(restore_addresses(f.sock, 9, "v0", "container0", {a}), HookError);
    CHECK(f.kernel->requests.empty());
}
