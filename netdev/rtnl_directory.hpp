#pragma once
#include <utility>
#include <vector>

#include "common/device_selector.hpp"
#include "netdev/planner.hpp"
#include "netdev/selector.hpp"

namespace netdev {

// LinkLookup over a real rtnetlink socket. Given a sysfs root (the host's directory), it also
// resolves selectors, throwing an error that names the selector when it finds nothing.
class RtnlDirectory final : public LinkLookup {
  public:
    explicit RtnlDirectory(NetlinkSocket& sock, std::string sysfs_root = "")
        : sock_(sock), sysfs_root_(std::move(sysfs_root)) {}
    std::optional<LinkInfo> find(const std::string& name) override {
        if (sysfs_root_.empty()) return find_link_by_name(sock_, name);
        std::optional<LinkInfo> link = is_selector(name)
                                           ? resolve_selector(sock_, name, sysfs_root_)
                                           : find_link_by_name(sock_, name);
        if (link) link->selectors = selectors(*link);
        return link;
    }
    const std::string& netns_label() const override { return sock_.netns_label(); }

  private:
    // A device is looked up again under its lock (lock_devices): what sysfs says of it is
    // read once per run for one device (same ifindex, name and MACs), not at each lookup.
    const std::vector<std::string>& selectors(const LinkInfo& link) {
        for (const auto& [seen, found] : selectors_seen_)
            if (seen.index == link.index && seen.name == link.name && seen.mac == link.mac &&
                seen.perm_mac == link.perm_mac)
                return found;
        return selectors_seen_.emplace_back(link, selectors_of(link, sysfs_root_)).second;
    }
    NetlinkSocket& sock_;
    std::string sysfs_root_;
    std::vector<std::pair<LinkInfo, std::vector<std::string>>> selectors_seen_;
};

}  // namespace netdev
