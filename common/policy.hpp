#pragma once
// The admin's policy (oci-netdev-hook-policy(5)): which requests may take which devices, as
// data. Read with Boost.JSON from a root-owned file that nobody else can write. Matching it
// against the host's links is hooks/authorize.hpp's job.
//
//   {"allow": [{"devices": ["eth1", "ens5f0v*"]}]}
//
// is the smallest policy letting annotation (and env) requests take eth1 and any ens5f0v*.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/guard.hpp"
#include "common/native_mode.hpp"
#include "common/oci_model.hpp"

namespace netdev {

inline constexpr const char* kDefaultPolicyPath = "/etc/oci-netdev-hook/policy.json";
inline constexpr const char* kPolicyEnv = "OCI_NETDEV_HOOK_POLICY";
inline constexpr std::size_t kMaxPolicyBytes = 1 << 20;
inline constexpr std::size_t kMaxDevicesCeiling = 256;  // keeps fds and locks bounded
inline constexpr std::size_t kDefaultMaxDevices = 16;   // the per-container limit (guardrail)

struct PolicyRule {
    std::string label;                    // "allow[0]", how messages and the audit name it
    std::vector<std::string> devices;     // globs (fnmatch) on the host name or an altname
    std::vector<RequestSource> sources;   // empty: any source
    std::vector<std::string> namespaces;  // Kubernetes namespace globs; empty: any (or none)
    std::vector<Guard> lift;              // guardrails lifted for the devices it allows
};

struct Policy {
    std::string path;      // where it was read from (or would be)
    bool present = false;  // false: no file at the default path, nothing allowed by rule
    std::vector<PolicyRule> allow;
    // Allowed without a rule (guardrails still apply). Default: config, command-line.
    std::vector<RequestSource> trusted_sources{RequestSource::config, RequestSource::command_line};
    std::size_t max_devices = kDefaultMaxDevices;
    // "carry": "all" (default) or "addresses": whether routes and per-device settings travel
    // with a device; a container can only turn it off (kCarryAnnotation), never on.
    bool carry_l3 = true;
    // "native": "auto" (default), "yes" or "no": whether the runtime moves linux.netDevices
    // itself (common/native_mode.hpp).
    NativeMode native = NativeMode::detect;
};

// Throws HookError(invalid_input) naming `path`, the field and the value: unknown keys, wrong
// types and bad patterns are errors, never ignored.
Policy parse_policy(std::string_view json_text, const std::string& path);

// `--policy PATH` when given, else $OCI_NETDEV_HOOK_POLICY, else the default path. A missing
// default file is an empty policy; a missing named one, a file not owned by root or writable
// by group or others is HookError(invalid_input).
Policy load_policy(const std::string& cli_path);

// Who asks, for matching rules (hooks/authorize.hpp matches them against links).
struct PolicyQuery {
    RequestSource source = RequestSource::none;
    std::string kube_namespace;
};

// True when `query` may use `rule` at all (its sources and Kubernetes namespaces).
bool rule_applies_to(const PolicyRule& rule, const PolicyQuery& query);
// True when one of `globs` (fnmatch) matches `text`.
bool any_glob(const std::vector<std::string>& globs, const std::string& text);
bool is_trusted(const Policy& policy, RequestSource source);

// Empty when `pattern` is a usable glob, else what is wrong with it.
std::optional<std::string> pattern_problem(std::string_view pattern);

}  // namespace netdev
