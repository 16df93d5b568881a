#pragma once
#include "netdev/planner.hpp"

namespace netdev {

// LinkLookup over a real rtnetlink socket.
class RtnlDirectory final : public LinkLookup {
  public:
    explicit RtnlDirectory(NetlinkSocket& sock) : sock_(sock) {}
    std::optional<LinkInfo> find(const std::string& name) override {
        return find_link_by_name(sock_, name);
    }
    const std::string& netns_label() const override { return sock_.netns_label(); }

  private:
    NetlinkSocket& sock_;
};

}  // namespace netdev
