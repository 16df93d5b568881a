#pragma once
// Authorize: guardrails first (always on), then the admin's policy. Each device gets one
// decision and the rule that made it; `check` prints them, the hook enforces them.
#include <string>
#include <vector>

#include "common/policy.hpp"
#include "netdev/guardrails.hpp"
#include "netdev/resolve.hpp"

namespace netdev {

struct Decision {
    std::string device;    // the host name as resolved, for messages
    std::string identity;  // what every later step keys on (resolve.hpp identity_key)
    bool allowed = false;
    std::string rule;     // "guardrail uplink", "policy allow[0]", "trusted source config"
    std::string message;  // for a refusal: the one line main() prints
    std::vector<GuardReason> lifted;  // guardrails the policy lifted for it (audited)
};

// The first rule of `policy` that `query` may use and that matches `device` (by name,
// altname, or what it is: a pci:, vf: or mac: selector), or nullptr.
const PolicyRule* find_allow_rule(const Policy& policy, const PolicyQuery& query,
                                  const LinkInfo& device);
bool rule_matches_device(const PolicyRule& rule, const LinkInfo& device);

// The decision for a device a runtime that moves devices itself has already taken from the
// host (docs/runtimes.md): the guardrails cannot be asked any more (it is gone from the host),
// the policy can: a rule matching its host name or an altname (they travel with it), or a
// trusted source. `in_container` is the device as found there.
Decision authorize_moved(const NetDeviceRequest& request, const LinkInfo& in_container,
                         const Policy& policy, const PolicyQuery& query);

// One decision per device found on the host, in request order.
std::vector<Decision> authorize(const std::vector<ResolvedDevice>& devices,
                                const GuardedSet& guards, const Policy& policy,
                                const PolicyQuery& query);

}  // namespace netdev
