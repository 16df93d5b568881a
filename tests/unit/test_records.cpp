// The write-ahead record's format: a header, then step lines; what later runs read back.
#include <doctest/doctest.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "common/error.hpp"
#include "netdev/records.hpp"

using namespace netdev;

namespace {

ContainerRecord two_devices() {
    ContainerRecord rec;
    rec.id = "c1";
    rec.bundle = "/run/bundles/c1";
    rec.netns = {3, 4026532000};
    rec.pin = "c1@x.record.netns";
    HostState a{5, "v0", {2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 9}, true, 1400, 7, {}, {}, {}};
    AddressRecord addr;
    addr.family = 2;
    addr.prefixlen = 24;
    addr.flags = IFA_F_PERMANENT;
    addr.label = "v0:web";
    addr.replayed = {{IFA_LOCAL, {192, 0, 2, 1}}, {IFA_BROADCAST, {192, 0, 2, 255}}};
    a.addresses.push_back(addr);
    RouteRecord route;
    route.family = AF_INET;
    route.dst_len = 24;
    route.protocol = RTPROT_BOOT;
    route.type = RTN_UNICAST;
    route.table = 100;
    route.replayed = {
        {RTA_DST, {203, 0, 113, 0}}, {RTA_GATEWAY, {192, 0, 2, 2}}, {RTA_OIF, {5, 0, 0, 0}}};
    a.routes.push_back(route);
    HostState b{6, "v1", {2, 0, 0, 0, 0, 2}, {2, 0, 0, 0, 0, 2}, false, 1280, 0, {}, {}, {}};
    rec.devices.resize(2);
    rec.devices[0].host = a;
    rec.devices[1].host = b;
    return rec;
}

}  // namespace

TEST_CASE("a record reads back with every field, phases from its step lines") {
    ContainerRecord rec = two_devices();
    std::string text = record_header(rec) + touch_step(0) + configured_step(0, 12, "eth0") +
                       touch_step(1) + kCommitStep;
    ContainerRecord back = parse_record(text, "r");
    CHECK(back.id == "c1");
    CHECK(back.bundle == "/run/bundles/c1");
    CHECK(back.netns == rec.netns);
    CHECK(back.pin == rec.pin);
    CHECK(back.committed);
    REQUIRE(back.devices.size() == 2);
    const DeviceRecord& d0 = back.devices[0];
    CHECK(d0.phase == DevicePhase::configured);
    CHECK(d0.container_name == "eth0");
    CHECK(d0.container_index == 12);
    CHECK(d0.host.identity == rec.devices[0].host.identity);
    CHECK(d0.host.mac == rec.devices[0].host.mac);
    CHECK(d0.host.master == 7);
    CHECK(d0.host.mtu == 1400);
    CHECK(d0.host.up);
    REQUIRE(d0.host.addresses.size() == 1);
    CHECK(d0.host.addresses[0].describe() == rec.devices[0].host.addresses[0].describe());
    REQUIRE(d0.host.routes.size() == 1);
    CHECK(d0.host.routes[0].describe("v0") == "203.0.113.0/24 via 192.0.2.2 dev v0 table 100");
    CHECK(back.devices[1].phase == DevicePhase::touched);
    // record_text() writes the same state compactly.
    ContainerRecord again = parse_record(record_text(back), "r");
    CHECK(again.devices[0].phase == DevicePhase::configured);
    CHECK(again.devices[0].container_name == "eth0");
    CHECK(again.devices[1].phase == DevicePhase::touched);
    CHECK(again.committed);
}

TEST_CASE("attributes read back byte for byte, odd lengths padded, a long multipath whole") {
    ContainerRecord rec = two_devices();
    RouteRecord& route = rec.devices[0].host.routes[0];
    std::vector<std::uint8_t> multipath(700);  // on the heap (AttributeBytes), past the estimate
    for (std::size_t i = 0; i < multipath.size(); ++i) multipath[i] = static_cast<std::uint8_t>(i);
    route.replayed = {
        {RTA_PREF, {1}}, {RTA_MULTIPATH, multipath}, {RTA_OIF, {5, 0, 0, 0}}, {RTA_PRIORITY, {}}};
    AddressRecord& addr = rec.devices[0].host.addresses[0];
    addr.replayed.push_back({IFA_PROTO, {3}});
    ContainerRecord back = parse_record(record_header(rec), "r");
    const RouteRecord& r = back.devices[0].host.routes.at(0);
    REQUIRE(r.replayed.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(r.replayed[i].type == route.replayed[i].type);
        CHECK(r.replayed[i].data == route.replayed[i].data);
    }
    const AddressRecord& a = back.devices[0].host.addresses.at(0);
    REQUIRE(a.replayed.size() == 3);
    CHECK(a.replayed[2].data == std::vector<std::uint8_t>{3});
}

TEST_CASE("a torn last step line (a crash while writing it) is ignored") {
    std::string text = record_header(two_devices()) + touch_step(0) + "configured 0 1";
    ContainerRecord back = parse_record(text, "r");
    CHECK(back.devices[0].phase == DevicePhase::touched);
    CHECK_FALSE(back.committed);
}

TEST_CASE("a damaged record is an error naming the file") {
    CHECK_THROWS_WITH_AS(parse_record("{\"version\":2}\n", "/run/x.record"),
                         doctest::Contains("/run/x.record: not a valid record"), HookError);
    std::string bad_step = record_header(two_devices()) + "touch 7\n";
    CHECK_THROWS_AS(parse_record(bad_step, "r"), HookError);
}

TEST_CASE("record names: one per container id and bundle, always a valid file name") {
    CHECK(record_file_name("c1", "/a") != record_file_name("c1", "/b"));
    CHECK(record_file_name("c1", "/a") == record_file_name("c1", "/a"));
    CHECK(record_file_may_be_of(record_file_name("c1", "/a"), "c1"));
    CHECK_FALSE(record_file_may_be_of(record_file_name("c10", "/a"), "c1"));
    std::string long_id(255, 'x');
    CHECK(record_file_name(long_id, "/a").size() < 240);  // room for ".tmpPID" and ".netns"
    CHECK(record_file_name(long_id, "/a") != record_file_name(long_id + "", "/b"));
}

TEST_CASE("strings in a record survive quotes, backslashes and control bytes") {
    ContainerRecord rec = two_devices();
    rec.bundle = "/run/a\"b\\c\x01d\xc3\xa9";
    rec.devices[0].host.addresses[0].label = "v0:\"x";
    ContainerRecord back = parse_record(record_header(rec), "r");
    CHECK(back.bundle == rec.bundle);
    CHECK(back.devices[0].host.addresses[0].label == "v0:\"x");
}

TEST_CASE("names with bytes >= 0x80 (valid UTF-8 or not) read back byte for byte") {
    ContainerRecord rec = two_devices();
    rec.devices[0].host.name =
        "e\xff\x80"
        "0";  // the kernel takes it: no '/', NUL, space
    rec.devices[0].requested = "v\xc3\xa9";
    rec.devices[0].host.addresses[0].label =
        "e\xff\x80"
        "0:1";
    ContainerRecord back = parse_record(record_header(rec), "r");
    CHECK(back.devices[0].host.name == rec.devices[0].host.name);
    CHECK(back.devices[0].requested == "v\xc3\xa9");
    CHECK(back.devices[0].host.addresses[0].label == rec.devices[0].host.addresses[0].label);
}

TEST_CASE("a record of devices a runtime moved says so, and status shows it") {
    ContainerRecord rec = two_devices();
    CHECK(parse_record(record_text(rec), "r").moved_by.empty());  // the hook's own
    rec.moved_by = "/opt/crun-new/bin/crun";
    ContainerRecord back = parse_record(record_text(rec), "r");
    CHECK(back.moved_by == "/opt/crun-new/bin/crun");
    CHECK(describe_record(back).find("moved by the runtime /opt/crun-new/bin/crun") !=
          std::string::npos);
}

TEST_CASE("a record longer than its writer's estimate is written whole") {
    // The writer makes room for about 1.5 KB of header and 192 bytes an address; settings,
    // routes and long names beyond that grow the text (records.cpp TextSink).
    ContainerRecord rec = two_devices();
    HostState& h = rec.devices[0].host;
    for (int i = 0; i < 300; ++i)
        h.settings.push_back({"ipv6", "setting_" + std::to_string(i), std::string(40, 'x')});
    std::string text = record_header(rec);
    CHECK(text.size() > 4096 + 192 * 2);
    ContainerRecord back = parse_record(text, "r");
    REQUIRE(back.devices.at(0).host.settings.size() == 300);
    CHECK(back.devices[0].host.settings[299].name == "setting_299");
    CHECK(back.devices[0].host.settings[299].value == std::string(40, 'x'));
    CHECK(record_header(back) == text);
}

TEST_CASE("attribute bytes: held in place up to 24 bytes, on the heap beyond, copied whole") {
    for (std::size_t n : {0, 1, 16, 24, 25, 700}) {
        std::vector<std::uint8_t> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + 1);
        AttributeBytes a(v);
        CHECK(a.size() == n);
        CHECK(a.to_vector() == v);
        AttributeBytes copy(a);
        CHECK(copy == a);
        if (n) CHECK(copy.data() != a.data());
        AttributeBytes moved(std::move(copy));
        CHECK(moved == a);
        CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
        AttributeBytes assigned{1, 2, 3};
        assigned = a;
        CHECK(assigned == a);
        assigned = AttributeBytes{9};
        CHECK(assigned.to_vector() == std::vector<std::uint8_t>{9});
        std::span<const std::uint8_t> view = a;
        CHECK(std::vector<std::uint8_t>(view.begin(), view.end()) == v);
    }
    CHECK_FALSE(AttributeBytes{1, 2} == AttributeBytes{1, 3});
    CHECK_FALSE(AttributeBytes{1, 2} == AttributeBytes{1, 2, 0});
}
