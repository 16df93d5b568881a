#include "hooks/runtime_wrapper.hpp"

#include "common/request_source.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "common/error.hpp"
#include "common/json_fields.hpp"
#include "common/oci_model.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

// Go's flag packages (runc, and crun/youki alike) accept -x, --x, -x=V and --x=V. Returns the
// name without dashes and the value after '=', if any; nullopt for a non-option.
struct Option {
    std::string name;
    std::optional<std::string> value;
};
std::optional<Option> as_option(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-') return std::nullopt;
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    auto eq = body.find('=');
    if (eq == std::string::npos) return Option{body, std::nullopt};
    return Option{body.substr(0, eq), body.substr(eq + 1)};
}

template <std::size_t N>
bool takes_value(const std::string& name, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// runc, crun and youki global options followed by a value (the rest are switches).
constexpr std::array<std::string_view, 7> kGlobalValueOptions = {
    "root", "log", "log-format", "log-level", "criu", "rootless", "cgroup-manager"};
// create/run options followed by a value.
constexpr std::array<std::string_view, 7> kCreateValueOptions = {
    "bundle", "b", "console-socket", "pid-file", "preserve-fds", "config", "f"};

// containerd's CRI passes pod annotations (pod_annotations) to the pod sandbox AND to every
// container of the pod, which joins the sandbox's netns: the sandbox moves the devices, the
// others must not try again.
bool joins_pod_sandbox(const json::object& annotations) {
    const json::value* type = annotations.if_contains("io.kubernetes.cri.container-type");
    return type && type->is_string() && type->get_string() == "container";
}

// The hook's own precedence (common/request_source.hpp). A request field of the wrong type
// gets the hook too: its one line names the field (a runtime that ignores linux.netDevices
// would start the container without the device and without a word).
bool asks_for_devices(const json::object& config) {
    try {
        RequestOrigin origin = find_request(config, {});
        if (origin.source == RequestSource::annotation)
            return !joins_pod_sandbox(config.at("annotations").get_object());
        return origin.source != RequestSource::none && (!origin.map || !origin.map->empty());
    } catch (const HookError&) {
        return true;
    }
}

// An entry of ours is one with the hook's path: the admin may have added it with other args.
bool has_hook(const json::array& entries, const std::string& path) {
    return std::any_of(entries.begin(), entries.end(), [&](const json::value& e) {
        const json::value* p = e.is_object() ? e.get_object().if_contains("path") : nullptr;
        return p && p->is_string() && p->get_string() == path;
    });
}

json::object hook_entry(const WrapperSettings& settings, const char* stage) {
    json::array args{"oci-netdev-hook"};
    for (const std::string& a : settings.hook_args) args.emplace_back(a);
    args.emplace_back(stage);
    return json::object{{"path", settings.hook}, {"args", std::move(args)}};
}

}  // namespace

RuntimeCommand parse_runtime_command(const std::vector<std::string>& args) {
    RuntimeCommand cmd;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        std::optional<Option> opt = as_option(args[i]);
        if (!opt) break;
        std::optional<std::string> value = opt->value;
        if (!value && takes_value(opt->name, kGlobalValueOptions) && i + 1 < args.size())
            value = args[++i];
        if (opt->name == "log") cmd.log_file = value.value_or("");
        if (opt->name == "log-format") cmd.log_format = value.value_or("");
    }
    if (i == args.size()) return cmd;
    cmd.command = args[i];
    if (cmd.command != "create" && cmd.command != "run") return cmd;
    for (++i; i < args.size(); ++i) {
        std::optional<Option> opt = as_option(args[i]);
        if (!opt) continue;  // the container id
        std::optional<std::string> value = opt->value;
        if (!value && takes_value(opt->name, kCreateValueOptions) && i + 1 < args.size())
            value = args[++i];
        if (opt->name == "bundle" || opt->name == "b") cmd.bundle = value.value_or("");
    }
    return cmd;
}

void apply_settings_file(WrapperSettings& settings, std::string_view json_text,
                         const std::string& path) {
    json::value v = parse_json(json_text, path);
    for (const auto& [key, value] : as_object(v, path)) {
        std::string field = path + ": " + std::string(key);
        if (key == "runtime" || key == "hook") {
            if (!value.is_string() || value.get_string().empty())
                bad_field(field, "expected a non-empty string");
            (key == "runtime" ? settings.runtime : settings.hook) = std::string(value.get_string());
        } else if (key == "hook_args") {
            if (!value.is_array()) bad_field(field, "expected an array of strings");
            settings.hook_args.clear();
            for (const json::value& a : value.get_array()) {
                if (!a.is_string()) bad_field(field, "expected an array of strings");
                settings.hook_args.emplace_back(a.get_string());
            }
        } else {
            bad_field(field, "unknown setting (runtime, hook, hook_args)");
        }
    }
}

std::optional<std::string> add_hook_to_config(std::string_view config_text,
                                              const WrapperSettings& settings) {
    json::value v = parse_json(config_text, "config.json");
    as_object(v, "config.json");
    json::object& config = v.get_object();
    if (!asks_for_devices(config)) return std::nullopt;
    json::value& hooks = config["hooks"];
    if (hooks.is_null()) hooks = json::object();
    as_object(hooks, "config.json hooks");
    bool changed = false;
    // createRuntime moves, createContainer checks, poststop gives back (oci-netdev-hook(1) STAGES).
    for (const char* stage : {"createRuntime", "createContainer", "poststop"}) {
        json::value& list = hooks.get_object()[stage];
        if (list.is_null()) list = json::array();
        if (!list.is_array())
            wrong_type(std::string("config.json hooks.") + stage, "an array", list);
        if (has_hook(list.get_array(), settings.hook)) continue;
        list.get_array().push_back(hook_entry(settings, stage));
        changed = true;
    }
    if (!changed) return std::nullopt;
    return json::serialize(v);
}

}  // namespace netdev
