#include "netdev/resolve.hpp"

#include "common/ifname.hpp"

namespace netdev {

ResolvedDevice resolve(const NetDeviceRequest& request, LinkLookup& host, LinkLookup& container) {
    ResolvedDevice r{request, host.find(request.host_name), false};
    // A re-run, or a runtime that moved it natively: done already, not an error.
    if (!r.host_link && !is_name_template(request.container_name))
        r.already_moved = container.find(request.container_name).has_value();
    return r;
}

std::string identity_key(const LinkInfo& link) {
    static const char* hex = "0123456789abcdef";
    std::string key = std::to_string(link.index);
    if (!link.identity().empty()) key += '-';
    for (std::uint8_t b : link.identity()) {
        key += hex[b >> 4];
        key += hex[b & 15];
    }
    return key;
}

}  // namespace netdev
