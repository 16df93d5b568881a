// Integration tests need root to build private network namespaces; without it they are
// reported as skipped (exit 77, ctest SKIP_RETURN_CODE), never as passed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/log/core.hpp>
#include <iostream>

#include "tests/support/netns_world.hpp"

int main(int argc, char** argv) {
    if (!netdev::test::can_create_netns()) {
        std::cerr << "integration tests skipped: cannot create network namespaces (not root)\n";
        return 77;
    }
    boost::log::core::get()->set_logging_enabled(false);  // the tests' own reads stay quiet
    return doctest::Context(argc, argv).run();
}
