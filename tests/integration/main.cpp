// Integration tests need root to build private network namespaces; without it they are
// reported as skipped (exit 77, ctest SKIP_RETURN_CODE), never as passed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/log/core.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "tests/support/netns_world.hpp"

int main(int argc, char** argv) {
    if (!netdev::test::can_create_netns()) {
        std::cerr << "integration tests skipped: cannot create network namespaces (not root)\n";
        return 77;
    }
    boost::log::core::get()->set_logging_enabled(false);  // the tests' own reads stay quiet
    // Records and locks of the hooks these tests run go to a private directory, not /run.
    char dir[] = "/tmp/netdev-state-XXXXXX";
    if (!::mkdtemp(dir)) return 1;
    ::setenv("OCI_NETDEV_HOOK_STATE_DIR", dir, 1);
    int rc = doctest::Context(argc, argv).run();
    std::filesystem::remove_all(dir);
    return rc;
}
