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
