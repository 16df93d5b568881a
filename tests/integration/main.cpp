// Integration tests need root to build private network namespaces; without it they are
// reported as skipped (exit 77, ctest SKIP_RETURN_CODE), never as passed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <sched.h>
#include <sys/mount.h>

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
    // A private mount namespace: the hooks' netns pins (bind mounts in their state dir) stay
    // in it and vanish with this process. Records and locks of the hooks these tests run go
    // to a private directory, not /run: a shared mount, so that pins made by a hook in its
    // own mount namespace (tests/support: a private /dev/log) show here, as under a runtime.
    char dir[] = "/tmp/netdev-state-XXXXXX";
    if (!::mkdtemp(dir)) return 1;
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(dir, dir, nullptr, MS_BIND, nullptr) != 0 ||
        ::mount(nullptr, dir, nullptr, MS_SHARED, nullptr) != 0) {
        std::cerr << "integration tests: cannot make a private mount namespace\n";
        return 1;
    }
    boost::log::core::get()->set_logging_enabled(false);  // the tests' own reads stay quiet
    ::setenv("OCI_NETDEV_HOOK_STATE_DIR", dir, 1);
    int rc = doctest::Context(argc, argv).run();
    ::umount2(dir, MNT_DETACH);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return rc;
}
