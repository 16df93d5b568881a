#include "hooks/authorize.hpp"

#include <algorithm>

namespace netdev {
namespace {

bool lifts(const PolicyRule* rule, Guard guard) {
    return rule && guard_can_be_lifted(guard) &&
           std::find(rule->lift.begin(), rule->lift.end(), guard) != rule->lift.end();
}

std::string where(const Policy& policy) {
    return policy.present ? policy.path : policy.path + " (absent)";
}

Decision refuse_guarded(const std::string& device, const GuardReason& g, const Policy& policy) {
    std::string name = guard_name(g.guard);
    std::string text = device + ": refused by guardrail " + name + ": " + g.why;
    if (guard_can_be_lifted(g.guard))
        text += "; to give it anyway, name it in a rule of " + where(policy) +
                " with \"lift\": [\"" + name + "\"]";
    return {device, "", false, "guardrail " + name, text, {}};
}

Decision refuse_by_policy(const std::string& device, const Policy& policy,
                          const PolicyQuery& query) {
    std::string text = device + ": refused: no rule of " + where(policy) + " allows " +
                       source_name(query.source) +
                       " requests to take it; to allow it, add {\"allow\": [{\"devices\": [\"" +
                       device + "\"]}]} (oci-netdev-hook-policy(5))";
    return {device, "", false, "policy", text, {}};
}

// The rule an allowed device goes by: a rule of the policy, or the trusted source.
std::string allowed_by(const PolicyRule* rule, const PolicyQuery& query) {
    return rule ? "policy " + rule->label
                : std::string("trusted source ") + source_name(query.source);
}

}  // namespace

bool rule_matches_device(const PolicyRule& rule, const LinkInfo& device) {
    if (any_glob(rule.devices, device.name)) return true;
    for (const std::string& sel : device.selectors)  // what it is: pci:, vf:, mac:
        if (any_glob(rule.devices, sel)) return true;
    for (const std::string& alt : device.altnames)
        if (any_glob(rule.devices, alt)) return true;
    return false;
}

const PolicyRule* find_allow_rule(const Policy& policy, const PolicyQuery& query,
                                  const LinkInfo& device) {
    for (const PolicyRule& rule : policy.allow)
        if (rule_applies_to(rule, query) && rule_matches_device(rule, device)) return &rule;
    return nullptr;
}

Decision authorize_moved(const NetDeviceRequest& request, const LinkInfo& in_container,
                         const Policy& policy, const PolicyQuery& query) {
    LinkInfo as_asked = in_container;
    as_asked.name = request.host_name;
    as_asked.selectors.clear();  // sysfs of the host cannot be read for it any more
    const PolicyRule* rule = find_allow_rule(policy, query, as_asked);
    if (!rule && !is_trusted(policy, query.source)) {
        Decision d = refuse_by_policy(request.host_name, policy, query);
        d.identity = identity_key(in_container);
        return d;
    }
    return {request.host_name,
            identity_key(in_container),
            true,
            allowed_by(rule, query) + " (moved by the runtime)",
            "",
            {}};
}

std::vector<Decision> authorize(const std::vector<ResolvedDevice>& devices,
                                const GuardedSet& guards, const Policy& policy,
                                const PolicyQuery& query) {
    std::vector<Decision> out;
    for (const ResolvedDevice& d : devices) {
        if (!d.host_link) continue;  // nothing of the host's to give: the planner says why
        const LinkInfo& link = *d.host_link;
        const PolicyRule* rule = find_allow_rule(policy, query, link);
        std::optional<Decision> refused;
        std::vector<GuardReason> lifted;
        for (const GuardReason& g : guards.reasons(link.index)) {
            if (lifts(rule, g.guard)) {
                lifted.push_back(g);
            } else {
                refused = refuse_guarded(link.name, g, policy);
                break;
            }
        }
        if (!refused && !rule && !is_trusted(policy, query.source))
            refused = refuse_by_policy(link.name, policy, query);
        if (refused) {
            refused->identity = identity_key(link);
            out.push_back(std::move(*refused));
            continue;
        }
        out.push_back(
            {link.name, identity_key(link), true, allowed_by(rule, query), "", std::move(lifted)});
    }
    return out;
}

}  // namespace netdev
