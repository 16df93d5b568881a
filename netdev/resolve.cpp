#include "netdev/resolve.hpp"

#include "common/hex.hpp"
#include "common/ifname.hpp"

namespace netdev {

ResolvedDevice resolve(const NetDeviceRequest& request, LinkLookup& host, LinkLookup& container) {
    ResolvedDevice r{request, host.find(request.host_name), false};
    if (r.host_link && r.host_link->name != request.host_name) {
        // Asked by selector or altname: from here on the device is its kernel name, and
        // without a NAME it keeps that name in the container.
        r.request.requested = request.host_name;
        r.request.host_name = r.host_link->name;
        if (request.container_name == request.host_name)
            r.request.container_name = r.host_link->name;
    }
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

std::string identity_key(int index, const std::vector<std::uint8_t>& identity) {
    std::string key = std::to_string(index);
    if (!identity.empty()) (key += '-') += hex_string(identity);
    return key;
}

std::string identity_key(const LinkInfo& link) {
    return identity_key(link.index, link.identity());
}

}  // namespace netdev
