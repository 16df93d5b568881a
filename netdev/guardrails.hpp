#pragma once
// Guardrails as data (docs/design.md, dranet): before any request is considered, the host links
// asked for that must never be handed out are marked once per run, each with the rule that
// guards it.
// The admin's policy is a separate layer (common/policy.hpp) that may lift some of them for
// named devices; loopback and netns-local devices cannot be lifted (the kernel refuses).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/guard.hpp"
#include "netdev/device_routes.hpp"
#include "netdev/link.hpp"
#include "netdev/link_stack.hpp"
#include "netdev/resolve.hpp"

namespace netdev {

struct GuardReason {
    Guard guard;
    std::string why;  // "carries a default route", "port of br0", ...
};

// Where host_guarded_set reads the host's stacking (link_stack.hpp). kernel_host_stack: the
// kernel's adjacency in a sysfs of the CALLING THREAD's netns, so `host` must be a socket of
// that netns (the pipeline's is: Ends opens it in Netns::current()). dumped_host_stack: one
// link dump through `host` alone (a fake kernel's socket in tests, a socket of another netns).
using HostStackSource = std::function<std::unique_ptr<LinkStack>(NetlinkSocket& host)>;
std::unique_ptr<LinkStack> kernel_host_stack(NetlinkSocket& host);
std::unique_ptr<LinkStack> dumped_host_stack(NetlinkSocket& host);

struct GuardedHostView;  // what the set is built from: guardrails.cpp

class GuardedSet {
  public:
    // Built from every host link and the ifindexes default routes leave through.
    GuardedSet(const std::vector<LinkInfo>& links, const std::set<int>& default_route_devices);
    // Every reason `ifindex` is guarded, strongest first; empty when it is not.
    const std::vector<GuardReason>& reasons(int ifindex) const;

  private:
    friend GuardedSet host_guarded_set(NetlinkSocket& host,
                                       const std::vector<ResolvedDevice>& asked,
                                       const HostStackSource& stack_source, DeviceRoutes* routes);
    GuardedSet() = default;
    void guard(const LinkInfo& link, GuardedHostView& host);  // every rule, for one device
    void add(int ifindex, Guard guard, std::string why);
    std::map<int, std::vector<GuardReason>> by_index_;
};

// The reasons of the devices `asked` that are on the host (their host_link, the device's own
// RTM_GETLINK: loopback, netns-local, master), once per run, from: their stacks walked from
// them only (`stack_source`), one route dump per device of those stacks, kernel-filtered by
// RTA_OIF (uplinks), and a lookup by ifindex per device a reason names that the stack did not.
// Other host links cost nothing but the kernel's own filtering. `routes` (of `host`), when
// given, keeps the asked devices' route dumps for the snapshot that follows.
GuardedSet host_guarded_set(NetlinkSocket& host, const std::vector<ResolvedDevice>& asked,
                            const HostStackSource& stack_source = kernel_host_stack,
                            DeviceRoutes* routes = nullptr);

// The per-container limit, checked before any lock or fd is taken: exit 3.
void check_device_limit(std::size_t requested, std::size_t limit, const std::string& source);

}  // namespace netdev
