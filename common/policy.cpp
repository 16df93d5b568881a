#include "common/policy.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"
#include "common/json_fields.hpp"
#include "common/read_file.hpp"
#include "common/unique_fd.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

constexpr RequestSource kSources[] = {RequestSource::config, RequestSource::annotation,
                                      RequestSource::env, RequestSource::command_line};

// Rejects any key of `obj` not in `known`: a misspelt "devcies" must not silently allow less
// (or more) than the admin meant.
void check_keys(const json::object& obj, std::initializer_list<std::string_view> known,
                const std::string& field) {
    for (const auto& [key, value] : obj) {
        bool ok = false;
        for (std::string_view k : known) ok = ok || k == key;
        if (!ok) bad_field(field, "unknown key \"" + std::string(key) + "\"");
    }
}

std::vector<std::string> strings(const json::object& obj, std::string_view key,
                                 const std::string& field, bool required) {
    std::vector<std::string> out;
    const json::value* v = obj.if_contains(key);
    if (!v) {
        if (required) bad_field(field, "missing");
        return out;
    }
    if (!v->is_array()) wrong_type(field, "an array of strings", *v);
    std::size_t i = 0;
    for (const json::value& item : v->get_array()) {
        std::string at = field + "[" + std::to_string(i++) + "]";
        if (!item.is_string()) wrong_type(at, "a string", item);
        out.emplace_back(item.get_string());
    }
    if (required && out.empty()) bad_field(field, "is empty: name at least one");
    return out;
}

std::vector<std::string> patterns(const json::object& obj, std::string_view key,
                                  const std::string& field, bool required) {
    std::vector<std::string> out = strings(obj, key, field, required);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (auto why = pattern_problem(out[i]))
            bad_field(field + "[" + std::to_string(i) + "]",
                      "bad pattern \"" + out[i] + "\": " + *why);
    return out;
}

std::vector<RequestSource> sources(const json::object& obj, std::string_view key,
                                   const std::string& field) {
    std::vector<RequestSource> out;
    std::vector<std::string> names = strings(obj, key, field, false);
    for (std::size_t i = 0; i < names.size(); ++i) {
        bool found = false;
        for (RequestSource s : kSources)
            if (names[i] == source_name(s)) {
                out.push_back(s);
                found = true;
            }
        if (!found)
            bad_field(field + "[" + std::to_string(i) + "]",
                      "unknown source \"" + names[i] +
                          "\": expected config, annotation, env or command-line");
    }
    return out;
}

std::vector<Guard> guards(const json::object& obj, const std::string& field) {
    std::vector<Guard> out;
    std::vector<std::string> names = strings(obj, "lift", field, false);
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::string at = field + "[" + std::to_string(i) + "]";
        std::optional<Guard> g = guard_from_name(names[i]);
        if (!g)
            bad_field(at, "unknown guardrail \"" + names[i] +
                              "\": expected uplink, uplink-stack, port or lower");
        if (!guard_can_be_lifted(*g))
            bad_field(at, "the " + names[i] +
                              " guardrail cannot be lifted: the kernel "
                              "does not move such devices");
        out.push_back(*g);
    }
    return out;
}

PolicyRule parse_rule(const json::value& v, const std::string& field) {
    const json::object& obj = as_object(v, field);
    check_keys(obj, {"devices", "sources", "namespaces", "lift", "comment"}, field);
    PolicyRule rule;
    rule.label = field;
    rule.devices = patterns(obj, "devices", field + ".devices", true);
    rule.sources = sources(obj, "sources", field + ".sources");
    rule.namespaces = patterns(obj, "namespaces", field + ".namespaces", false);
    rule.lift = guards(obj, field + ".lift");
    string_member(obj, "comment", field + ".comment");
    return rule;
}

std::size_t max_devices(const json::value& v, const std::string& field) {
    if (!v.is_int64() || v.get_int64() < 1 ||
        v.get_int64() > static_cast<std::int64_t>(kMaxDevicesCeiling))
        bad_field(field, "expected an integer from 1 to " + std::to_string(kMaxDevicesCeiling) +
                             ", got " + excerpt(v));
    return static_cast<std::size_t>(v.get_int64());
}

bool glob_match(const std::string& pattern, const std::string& text) {
    return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

}  // namespace

std::optional<std::string> pattern_problem(std::string_view p) {
    if (p.empty()) return "empty";
    if (p.size() > 255) return "longer than 255 bytes";
    // Selector patterns (common/device_selector.hpp) hold ':', and vf: a '/'.
    bool selector = p.starts_with("pci:") || p.starts_with("mac:") || p.starts_with("vf:");
    int depth = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        auto c = static_cast<unsigned char>(p[i]);
        if (c <= 0x20 || c == 0x7f) return "holds a space or control character";
        if (c == '/' && !p.starts_with("vf:")) return "holds '/', which no name can";
        if (c == ':' && !selector) return "holds ':', kept for selectors (pci:, mac:, vf:)";
        if (c == '\\') return "holds '\\': escapes are not supported";
        if (c == '[') {
            if (depth) return "'[' inside a [...] class";
            depth = 1;
            if (i + 1 < p.size() && (p[i + 1] == '!' || p[i + 1] == '^')) ++i;
            if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // "[]...]" holds ']'
        } else if (c == ']' && depth) {
            depth = 0;
        }
    }
    if (depth) return "'[' without its ']'";
    return std::nullopt;
}

Policy parse_policy(std::string_view text, const std::string& path) {
    json::value v = parse_json(text, path);
    const json::object& root = as_object(v, path);
    check_keys(root, {"allow", "trusted_sources", "max_devices", "carry", "native", "comment"},
               path);
    Policy p;
    p.path = path;
    p.present = true;
    if (const json::value* a = root.if_contains("allow")) {
        if (!a->is_array()) wrong_type(path + ": allow", "an array of rules", *a);
        std::size_t i = 0;
        for (const json::value& r : a->get_array())
            p.allow.push_back(parse_rule(r, path + ": allow[" + std::to_string(i++) + "]"));
        for (std::size_t j = 0; j < p.allow.size(); ++j)
            p.allow[j].label = "allow[" + std::to_string(j) + "]";
    }
    if (root.contains("trusted_sources"))
        p.trusted_sources = sources(root, "trusted_sources", path + ": trusted_sources");
    if (const json::value* m = root.if_contains("max_devices"))
        p.max_devices = max_devices(*m, path + ": max_devices");
    if (auto carry = string_member(root, "carry", path + ": carry")) {
        if (*carry != "all" && *carry != "addresses")
            bad_field(path + ": carry", "\"" + *carry + "\": expected all or addresses");
        p.carry_l3 = *carry == "all";
    }
    if (auto native = string_member(root, "native", path + ": native")) {
        std::optional<NativeMode> mode = native_mode_from(*native);
        if (!mode) bad_field(path + ": native", "\"" + *native + "\": expected auto, yes or no");
        p.native = *mode;
    }
    string_member(root, "comment", path + ": comment");
    return p;
}

Policy load_policy(const std::string& cli_path) {
    const char* env = std::getenv(kPolicyEnv);
    bool named = !cli_path.empty() || (env && *env);
    std::string path = !cli_path.empty() ? cli_path : named ? env : kDefaultPolicyPath;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd && errno == ENOENT && !named) {
        Policy none;
        none.path = path;
        return none;
    }
    if (!fd) throw_errno(ExitCode::invalid_input, "policy " + path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno(ExitCode::invalid_input, "policy " + path, errno);
    if (!S_ISREG(st.st_mode))
        throw HookError(ExitCode::invalid_input, "policy " + path + ": not a regular file");
    // Whoever can write the policy decides which devices containers get.
    if (st.st_uid != 0)
        throw HookError(ExitCode::invalid_input, "policy " + path +
                                                     ": must be owned by root, is owned by uid " +
                                                     std::to_string(st.st_uid));
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        throw HookError(ExitCode::invalid_input, "policy " + path +
                                                     ": writable by group or others (mode " +
                                                     mode_text(st.st_mode) + "); chmod go-w it");
    return parse_policy(read_regular_fd_bounded(fd.get(), kMaxPolicyBytes, "policy " + path), path);
}

bool is_trusted(const Policy& policy, RequestSource source) {
    for (RequestSource s : policy.trusted_sources)
        if (s == source) return true;
    return false;
}

bool any_glob(const std::vector<std::string>& globs, const std::string& text) {
    for (const std::string& g : globs)
        if (glob_match(g, text)) return true;
    return false;
}

bool rule_applies_to(const PolicyRule& rule, const PolicyQuery& query) {
    if (!rule.sources.empty() &&
        std::find(rule.sources.begin(), rule.sources.end(), query.source) == rule.sources.end())
        return false;
    return rule.namespaces.empty() ||
           (!query.kube_namespace.empty() && any_glob(rule.namespaces, query.kube_namespace));
}

}  // namespace netdev
