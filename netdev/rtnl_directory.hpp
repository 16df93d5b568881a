#pragma once
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
        if (link) link->selectors = selectors_of(*link, sysfs_root_);
        return link;
    }
    const std::string& netns_label() const override { return sock_.netns_label(); }

  private:
    NetlinkSocket& sock_;
    std::string sysfs_root_;
};

}  // namespace netdev
