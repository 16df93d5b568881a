#include "netdev/resolve.hpp"

#include "common/hex.hpp"
#include "common/ifname.hpp"

namespace netdev {

ResolvedDevice resolve(const NetDeviceRequest& request, LinkLookup& host, LinkLookup& container) {
    ResolvedDevice r{request, host.find(request.host_name), false};
    // A re-run, or a runtime that moved it natively: done already, not an error.
    if (!r.host_link && !is_name_template(request.container_name))
        r.already_moved = container.find(request.container_name).has_value();
    return r;
}

std::vector<ResolvedDevice> resolve_all(const std::vector<NetDeviceRequest>& requests,
                                        LinkLookup& host, LinkLookup& container) {
    std::vector<ResolvedDevice> out;
    for (const NetDeviceRequest& r : requests) out.push_back(resolve(r, host, container));
    return out;
}

std::string identity_key(const LinkInfo& link) {
    std::string key = std::to_string(link.index);
    if (!link.identity().empty()) key += "-" + hex_string(link.identity());
    return key;
}

}  // namespace netdev
