#include "hooks/version.hpp"

#include "build_info.hpp"

namespace netdev {

std::string version_text() {
    return "oci-netdev-hook " NETDEV_HOOK_VERSION
           "\n"
           "build: " NETDEV_BUILD_FLAVOUR
           "\n"
           "linking: " NETDEV_BUILD_LINKING "\n";
}

}  // namespace netdev
