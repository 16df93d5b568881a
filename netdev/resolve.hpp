#pragma once
// Resolve: from what was asked (a name today; a PCI address, MAC or VF later) to the link it
// names on the host, found once; every later step works on that link's identity (ifindex +
// MAC), never on the requested name again.
#include <optional>
#include <vector>

#include "common/oci_model.hpp"
#include "netdev/link.hpp"

namespace netdev {

// Where links are looked up: real rtnetlink (rtnl_directory.hpp) or a table in tests.
class LinkLookup {
  public:
    virtual ~LinkLookup() = default;
    virtual std::optional<LinkInfo> find(const std::string& name) = 0;
    virtual const std::string& netns_label() const = 0;
};

struct ResolvedDevice {
    NetDeviceRequest request;
    std::optional<LinkInfo> host_link;  // nullopt: not on the host
    bool already_moved = false;         // not on the host, and its name is in the container
};

// The one place that turns a request into a link. A selector or an altname (found by
// host.find) is replaced by the kernel name, kept in request.requested.
ResolvedDevice resolve(const NetDeviceRequest& request, LinkLookup& host, LinkLookup& container);

// resolve() of each request, in order.
std::vector<ResolvedDevice> resolve_all(const std::vector<NetDeviceRequest>& requests,
                                        LinkLookup& host, LinkLookup& container);

// The key a device is locked, recorded and rolled back under: ifindex + identity MAC.
std::string identity_key(const LinkInfo& link);
// The same for a device as recorded on the host (records.hpp HostState).
std::string identity_key(int index, const std::vector<std::uint8_t>& identity);

}  // namespace netdev
