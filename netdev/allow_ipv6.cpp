#include "netdev/allow_ipv6.hpp"

#include <sys/socket.h>

#include <algorithm>

#include "common/logging.hpp"
#include "common/proc_sys.hpp"

namespace netdev {

void allow_ipv6_for_addresses(const Netns& ns, const std::string& device,
                              const std::vector<AddressRecord>& addresses) {
    if (std::none_of(addresses.begin(), addresses.end(),
                     [](const AddressRecord& a) { return a.family == AF_INET6; }))
        return;
    DeviceSysctl key{"ipv6", device, "disable_ipv6"};
    if (read_device_sysctl(ns, key) == "0") return;
    write_device_sysctl(ns, key, "0");
    NETDEV_LOG(info) << "IPv6 was disabled on " << device << " in " << ns.label()
                     << " (Docker's --network none does that); enabled on this device only";
}

}  // namespace netdev
