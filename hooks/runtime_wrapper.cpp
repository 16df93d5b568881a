#include "hooks/runtime_wrapper.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "common/error.hpp"
#include "common/oci_model.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

[[noreturn]] void bad(const std::string& field, const std::string& problem) {
    throw HookError(ExitCode::invalid_input, field + ": " + problem);
}

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

const json::object* object_member(const json::object& obj, std::string_view key) {
    const json::value* v = obj.if_contains(key);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

// containerd's CRI passes pod annotations (pod_annotations) to the pod sandbox AND to every
// container of the pod, which joins the sandbox's netns: the sandbox moves the devices, the
// others must not try again.
bool joins_pod_sandbox(const json::object& annotations) {
    const json::value* type = annotations.if_contains("io.kubernetes.cri.container-type");
    return type && type->is_string() && type->get_string() == "container";
}

bool asks_for_devices(const json::object& config) {
    if (const json::object* linux_obj = object_member(config, "linux"))
        if (const json::object* devs = object_member(*linux_obj, "netDevices");
            devs && !devs->empty())
            return true;
    if (const json::object* ann = object_member(config, "annotations"))
        if (const json::value* v = ann->if_contains(kDevicesAnnotation);
            v && v->is_string() && !joins_pod_sandbox(*ann))
            return true;
    const json::object* process = object_member(config, "process");
    const json::value* env = process ? process->if_contains("env") : nullptr;
    if (!env || !env->is_array()) return false;
    std::string prefix = std::string(kDevicesEnv) + "=";
    return std::any_of(env->get_array().begin(), env->get_array().end(), [&](const json::value& e) {
        return e.is_string() && std::string_view(e.get_string()).starts_with(prefix);
    });
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
    json::error_code ec;
    json::value v = json::parse(json_text, ec);
    if (ec) bad(path, "not valid JSON: " + ec.message());
    if (!v.is_object()) bad(path, "expected a JSON object");
    for (const auto& [key, value] : v.get_object()) {
        std::string field = path + ": " + std::string(key);
        if (key == "runtime" || key == "hook") {
            if (!value.is_string() || value.get_string().empty())
                bad(field, "expected a non-empty string");
            (key == "runtime" ? settings.runtime : settings.hook) = std::string(value.get_string());
        } else if (key == "hook_args") {
            if (!value.is_array()) bad(field, "expected an array of strings");
            settings.hook_args.clear();
            for (const json::value& a : value.get_array()) {
                if (!a.is_string()) bad(field, "expected an array of strings");
                settings.hook_args.emplace_back(a.get_string());
            }
        } else {
            bad(field, "unknown setting (runtime, hook, hook_args)");
        }
    }
}

std::optional<std::string> add_hook_to_config(std::string_view config_text,
                                              const WrapperSettings& settings) {
    json::error_code ec;
    json::value v = json::parse(config_text, ec);
    if (ec) bad("config.json", "not valid JSON: " + ec.message());
    if (!v.is_object()) bad("config.json", "expected a JSON object");
    json::object& config = v.get_object();
    if (!asks_for_devices(config)) return std::nullopt;
    json::value& hooks = config["hooks"];
    if (hooks.is_null()) hooks = json::object();
    if (!hooks.is_object()) bad("config.json hooks", "expected an object");
    bool changed = false;
    // createRuntime moves, createContainer checks, poststop gives back (README "Stages").
    for (const char* stage : {"createRuntime", "createContainer", "poststop"}) {
        json::value& list = hooks.get_object()[stage];
        if (list.is_null()) list = json::array();
        if (!list.is_array()) bad(std::string("config.json hooks.") + stage, "expected an array");
        if (has_hook(list.get_array(), settings.hook)) continue;
        list.get_array().push_back(hook_entry(settings, stage));
        changed = true;
    }
    if (!changed) return std::nullopt;
    return json::serialize(v);
}

}  // namespace netdev
