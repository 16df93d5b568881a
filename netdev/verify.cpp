#include "netdev/verify.hpp"

#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"
#include "netdev/link.hpp"

namespace netdev {

void verify_devices_present(NetlinkSocket& sock, const std::vector<NetDeviceRequest>& requests) {
    for (const NetDeviceRequest& r : requests) {
        if (is_name_template(r.container_name) || is_selector(r.container_name)) {
            NETDEV_LOG(info) << r.host_name << ": template " << r.container_name
                             << " cannot be checked by name";
            continue;
        }
        std::optional<LinkInfo> link = find_link_by_name(sock, r.container_name);
        if (!link)
            throw HookError(ExitCode::failed_restored, r.host_name + ": expected as " +
                                                           r.container_name + " in " +
                                                           sock.netns_label() + ", not found");
        if (!link->up())
            throw HookError(
                ExitCode::failed_restored,
                r.host_name + ": " + r.container_name + " in " + sock.netns_label() + " is down");
        NETDEV_LOG(debug) << r.host_name << ": present as " << r.container_name << " and up";
    }
}

}  // namespace netdev
