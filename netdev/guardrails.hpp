#pragma once
// Guardrails as data (docs/design.md, dranet): before any request is considered, the host's links
// that must never be handed out are marked once per run, each with the rule that guards it.
// The admin's policy is a separate layer (common/policy.hpp) that may lift some of them for
// named devices; loopback and netns-local devices cannot be lifted (the kernel refuses).
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/guard.hpp"
#include "netdev/link.hpp"

namespace netdev {

struct GuardReason {
    Guard guard;
    std::string why;  // "carries a default route", "port of br0", ...
};

class GuardedSet {
  public:
    // Built from every host link and the ifindexes default routes leave through.
    GuardedSet(const std::vector<LinkInfo>& links, const std::set<int>& default_route_devices);
    // Every reason `ifindex` is guarded, strongest first; empty when it is not.
    const std::vector<GuardReason>& reasons(int ifindex) const;

  private:
    void add(int ifindex, Guard guard, std::string why);
    std::map<int, std::vector<GuardReason>> by_index_;
};

// Dumps the host's links and routes (once per run) and builds the set.
GuardedSet host_guarded_set(NetlinkSocket& host);

// The per-container limit, checked before any lock or fd is taken: exit 3.
void check_device_limit(std::size_t requested, std::size_t limit, const std::string& source);

}  // namespace netdev
