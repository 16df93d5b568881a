// Selectors as written in the annotation and the env: what each kind accepts, normalises
// and refuses, with the message a user sees.
#include <doctest/doctest.h>

#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "hooks/authorize.hpp"
#include "netdev/link.hpp"

using namespace netdev;

TEST_CASE("a word with a colon is a selector; kernel names never have one") {
    CHECK(is_selector("pci:0000:3b:02.1"));
    CHECK(is_selector("mac:02:42:ac:11:00:02"));
    CHECK_FALSE(is_selector("ens5f0v3"));
    CHECK_FALSE(is_selector("eth%d"));
}

TEST_CASE("pci: takes a full address or one in domain 0, lowercased") {
    CHECK(parse_selector("pci:0000:3b:02.1").pci == "0000:3b:02.1");
    CHECK(parse_selector("pci:3B:02.7").pci == "0000:3b:02.7");
    CHECK(parse_selector("pci:0001:AF:1f.0").kind == DeviceSelector::Kind::pci);
}

TEST_CASE("mac: takes six hex bytes in either case") {
    DeviceSelector s = parse_selector("mac:02:42:AC:11:00:02");
    CHECK(s.kind == DeviceSelector::Kind::mac);
    CHECK(s.mac == std::vector<std::uint8_t>{0x02, 0x42, 0xac, 0x11, 0x00, 0x02});
    CHECK(s.text == "mac:02:42:AC:11:00:02");
}

TEST_CASE("vf: takes the PF's name and the VF number") {
    DeviceSelector s = parse_selector("vf:ens5f0/3");
    CHECK(s.kind == DeviceSelector::Kind::vf);
    CHECK(s.pf == "ens5f0");
    CHECK(s.vf == 3);
    // An altname names the PF too, up to 127 bytes (K15).
    CHECK(parse_selector("vf:uplink-port-0-of-nic-a/12").pf == "uplink-port-0-of-nic-a");
}

TEST_CASE("malformed selectors are refused as invalid input, naming the selector") {
    struct Row {
        const char* text;
        const char* expected;
    };
    for (const Row& row : std::initializer_list<Row>{
             {"pci:0000:3b:02", "pci:DOMAIN:BUS:DEVICE.FUNCTION"},
             {"pci:0000:3b:02.8", "pci:DOMAIN:BUS:DEVICE.FUNCTION"},
             {"pci:000g:3b:02.1", "pci:DOMAIN:BUS:DEVICE.FUNCTION"},
             {"mac:02:42:ac:11:00", "six hex bytes"},
             {"mac:02:42:ac:11:00:02:03", "six hex bytes"},
             {"mac:0242ac110002", "six hex bytes"},
             {"mac:02:42:ac:11:00:0z", "six hex bytes"},
             // A short last pair (found by fuzz_parse: it read past the end).
             {"mac:0", "six hex bytes"},
             {"mac:02:4", "six hex bytes"},
             {"mac:02:42:ac:11:00:0", "six hex bytes"},
             {"vf:ens5f0", "vf:PF/N"},
             {"vf:ens5f0/x", "vf:PF/N"},
             {"vf:/3", "vf:PF/N"},
             {"vf:a b/3", "whitespace"},
             {"usb:1-2", "a device name, or a selector pci:, mac: or vf:"},
             {"eth0:1", "a device name, or a selector"},
         }) {
        CAPTURE(row.text);
        try {
            parse_selector(row.text);
            FAIL("accepted");
        } catch (const HookError& e) {
            CHECK(e.code() == ExitCode::invalid_input);
            CHECK(std::string(e.what()).find(std::string("selector \"") + row.text + "\"") == 0);
            CHECK(std::string(e.what()).find(row.expected) != std::string::npos);
        }
    }
}

TEST_CASE("policy rules match a device by the selectors that name it") {
    CHECK(pattern_problem("pci:0000:3b:*") == std::nullopt);
    CHECK(pattern_problem("vf:ens5f0/*") == std::nullopt);
    CHECK(pattern_problem("mac:02:42:ac:*") == std::nullopt);
    CHECK(pattern_problem("pci:0000:3b/*").has_value());  // '/' only after vf:
    CHECK(pattern_problem("usb:1-2").has_value());
    LinkInfo vf;
    vf.name = "ens5f0v3";
    vf.selectors = {"mac:02:42:ac:11:00:02", "pci:0000:3b:02.3", "vf:ens5f0/3"};
    PolicyRule rule;
    for (const char* pattern : {"pci:0000:3b:*", "vf:ens5f0/*", "mac:02:42:ac:*", "ens5f0v*"}) {
        rule.devices = {pattern};
        CHECK_MESSAGE(rule_matches_device(rule, vf), pattern);
    }
    rule.devices = {"pci:0000:3c:*", "vf:ens6f0/*"};
    CHECK_FALSE(rule_matches_device(rule, vf));
}
