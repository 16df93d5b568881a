#include <doctest/doctest.h>

#include "common/ifname.hpp"

using netdev::ifname_problem;
using netdev::is_name_template;

TEST_CASE("names the kernel accepts are valid") {
    for (const char* name :
         {"eth0", "a", "ctr_eth1", "ens5f0v3", "123456789012345", "eth%d", "v-1.2", "%d", "x%dy"}) {
        CAPTURE(name);
        CHECK_FALSE(ifname_problem(name).has_value());
    }
}

TEST_CASE("names the kernel refuses are invalid, with the reason") {
    struct Row {
        std::string name;
        std::string reason;
    };
    for (const Row& row : std::initializer_list<Row>{
             {"", "is empty"},
             {"1234567890123456", "16 bytes long"},
             {".", "reserved"},
             {"..", "reserved"},
             {"a/b", "'/'"},
             {"eth0:1", "':'"},
             {"a b", "whitespace"},
             {"a\tb", "whitespace"},
             {std::string("a\0b", 3), "NUL"},
             {"eth%s", "template"},
             {"e%d%d", "template"},
             {"eth%", "template"},
         }) {
        CAPTURE(row.name);
        auto problem = ifname_problem(row.name);
        REQUIRE(problem.has_value());
        CHECK(problem->find(row.reason) != std::string::npos);
    }
}

TEST_CASE("a name with % is a template") {
    CHECK(is_name_template("eth%d"));
    CHECK_FALSE(is_name_template("eth0"));
}

TEST_CASE("whitespace is the kernel's isspace(): \\t..\\r, space and 0xA0, no other byte") {
    // lib/ctype.c marks _S on 9-13, 32 and 160; every other byte, 0x80-0xFF included, is not.
    for (int c = 0; c < 256; ++c) {
        CAPTURE(c);
        bool space = (c >= 9 && c <= 13) || c == 32 || c == 0xA0;
        CHECK(netdev::is_kernel_space(static_cast<char>(c)) == space);
        std::string name = "a" + std::string(1, static_cast<char>(c)) + "b";
        auto problem = ifname_problem(name);
        if (space) {
            REQUIRE(problem.has_value());
            CHECK(*problem == "contains whitespace");
        }
    }
    CHECK(ifname_problem("eth\xa0"
                         "0") == std::optional<std::string>("contains whitespace"));
    CHECK_FALSE(ifname_problem("eth\xa1"
                               "0")
                    .has_value());                           // '¡' in Latin-1: not space
    CHECK_FALSE(ifname_problem("eth\xc3\xa9").has_value());  // UTF-8 é
}

TEST_CASE("host names over 15 bytes are altnames: up to 127 bytes, the kernel's characters") {
    using netdev::host_ifname_problem;
    const std::string a40(40, 'a');
    for (const std::string& name :
         {a40, std::string(127, 'x'), std::string(16, 'y'), std::string("enp0s31f6:") + a40,
          std::string("eth0"), std::string("123456789012345")}) {
        CAPTURE(name);
        CHECK_FALSE(host_ifname_problem(name).has_value());
    }
    struct Row {
        std::string name;
        std::string reason;
    };
    for (const Row& row : std::initializer_list<Row>{
             {std::string(128, 'x'), "128 bytes long, the kernel allows at most 15 (127 for"},
             {a40 + "/x", "'/'"},
             {a40 + " x", "whitespace"},
             {a40 + "\xa0", "whitespace"},
             {a40 + std::string(1, '\0'), "NUL"},
             {"", "is empty"},
             {"a:b", "':'"},  // 15 bytes or less: an interface name, dev_valid_name's rules
         }) {
        CAPTURE(row.name);
        auto problem = host_ifname_problem(row.name);
        REQUIRE(problem.has_value());
        CHECK(problem->find(row.reason) != std::string::npos);
    }
}
