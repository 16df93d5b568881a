#include "common/oci_model.hpp"
#include "common/request_source.hpp"

#include <boost/json.hpp>
#include <initializer_list>

#include "common/error.hpp"
#include "common/json_duplicates.hpp"
#include "common/json_fields.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

Annotations parse_annotations(const json::object& root, const std::string& prefix) {
    Annotations out;
    const json::value* v = root.if_contains("annotations");
    if (!v || v->is_null()) return out;
    for (const auto& [key, value] : as_object(*v, prefix + "annotations")) {
        std::string field = prefix + "annotations[\"" + std::string(key) + "\"]";
        if (!value.is_string()) wrong_type(field, "a string", value);
        out.emplace(std::string(key), std::string(value.get_string()));
    }
    return out;
}

std::vector<NetDeviceRequest> parse_net_devices(const json::object& map, const std::string& field) {
    std::vector<NetDeviceRequest> out;
    for (const auto& [key, value] : map) {
        std::string entry = field + "[\"" + std::string(key) + "\"]";
        const json::object& obj = as_object(value, entry);
        NetDeviceRequest req{std::string(key), std::string(key)};
        if (auto name = string_member(obj, "name", entry + ".name"); name && !name->empty())
            req.container_name = *name;
        out.push_back(std::move(req));
    }
    return out;
}

std::vector<NetDeviceRequest> devices_from_annotation(const std::string& text,
                                                      const std::string& field) {
    if (text.size() > kMaxAnnotationBytes)
        bad_field(field, "longer than " + std::to_string(kMaxAnnotationBytes) + " bytes");
    auto first = text.find_first_not_of(" \t\n");
    if (first == std::string::npos) bad_field(field, "is empty");
    // JSON starts with one of these; no interface name does in practice.
    if (std::string_view("{[\"").find(text[first]) == std::string_view::npos)
        return parse_device_words(text);
    json::value v = parse_json(text, field);
    refuse_duplicate_keys(text, {}, field);
    return parse_net_devices(as_object(v, field), field);
}

// The value of `name` in process.env ("NAME=value" strings), if any.
std::optional<std::string> process_env(const json::object& root, std::string_view name) {
    const json::value* pv = root.if_contains("process");
    if (!pv || pv->is_null()) return std::nullopt;
    const json::value* ev = as_object(*pv, "process").if_contains("env");
    if (!ev || ev->is_null()) return std::nullopt;
    if (!ev->is_array()) wrong_type("process.env", "an array", *ev);
    std::optional<std::string> found;
    std::size_t i = 0;
    for (const json::value& entry : ev->get_array()) {
        std::string field = "process.env[" + std::to_string(i++) + "]";
        if (!entry.is_string()) wrong_type(field, "a string", entry);
        std::string_view text = entry.get_string();
        // The last one wins, as with execve's environment lookups (getenv takes the first,
        // but runtimes append what the wrapper adds).
        if (text.size() > name.size() && text.starts_with(name) && text[name.size()] == '=')
            found = std::string(text.substr(name.size() + 1));
    }
    return found;
}

NetworkNamespace parse_network_namespace(const json::object& linux_obj) {
    NetworkNamespace ns;
    const json::value* v = linux_obj.if_contains("namespaces");
    if (!v || v->is_null()) return ns;
    if (!v->is_array()) wrong_type("linux.namespaces", "an array", *v);
    std::size_t i = 0;
    for (const json::value& entry : v->get_array()) {
        std::string field = "linux.namespaces[" + std::to_string(i++) + "]";
        const json::object& obj = as_object(entry, field);
        auto type = string_member(obj, "type", field + ".type");
        if (!type) bad_field(field + ".type", "missing");
        if (*type != "network") continue;
        ns.private_netns = true;
        ns.path = string_member(obj, "path", field + ".path").value_or("");
    }
    return ns;
}

}  // namespace

const char* source_name(RequestSource source) {
    switch (source) {
        case RequestSource::config:
            return "config";
        case RequestSource::annotation:
            return "annotation";
        case RequestSource::env:
            return "env";
        case RequestSource::command_line:
            return "command-line";
        default:
            return "none";
    }
}

KubePod kube_pod_of(const Annotations& config, const Annotations& state) {
    auto get = [&](std::initializer_list<std::string_view> keys) {
        for (const Annotations* a : {&config, &state})
            for (std::string_view k : keys)
                if (auto it = a->find(k); it != a->end() && !it->second.empty()) return it->second;
        return std::string();
    };
    return {get({"io.kubernetes.pod.namespace", "io.kubernetes.cri.sandbox-namespace"}),
            get({"io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name"})};
}

std::vector<NetDeviceRequest> parse_device_words(std::string_view text) {
    std::vector<NetDeviceRequest> out;
    std::size_t pos = 0;
    while ((pos = text.find_first_not_of(" \t\n", pos)) != std::string_view::npos) {
        std::size_t end = text.find_first_of(" \t\n", pos);
        std::string_view word = text.substr(pos, end == std::string_view::npos ? end : end - pos);
        auto eq = word.find('=');
        std::string host(word.substr(0, eq));
        out.push_back(
            {host, eq == std::string_view::npos ? host : std::string(word.substr(eq + 1))});
        pos = end;
    }
    return out;
}

bool carry_l3_asked(const Annotations& config, const Annotations& state) {
    const std::string key(kCarryAnnotation);
    auto it = config.find(key);
    std::string field = "annotations[\"" + key + "\"]";
    if (it == config.end()) {
        it = state.find(key);
        field = "state." + field;
        if (it == state.end()) return true;
    }
    if (it->second == "all") return true;
    if (it->second == "addresses") return false;
    bad_field(field, "\"" + it->second + "\": expected all or addresses");
}

OciState parse_state(std::string_view json_text) {
    json::value v = parse_json(json_text, "state");
    const json::object& root = as_object(v, "state");
    OciState st;
    st.id = string_member(root, "id", "state.id").value_or("");
    st.status = string_member(root, "status", "state.status").value_or("");
    auto bundle = string_member(root, "bundle", "state.bundle");
    if (!bundle || bundle->empty()) bad_field("state.bundle", "missing");
    st.bundle = *bundle;
    if (const json::value* pid = root.if_contains("pid"); pid && !pid->is_null()) {
        if (pid->is_int64())
            st.pid = pid->get_int64();
        else if (pid->is_uint64() && pid->get_uint64() <= INT64_MAX)
            st.pid = static_cast<long long>(pid->get_uint64());
        else
            wrong_type("state.pid", "an integer", *pid);
        if (*st.pid < 0 || *st.pid > INT32_MAX)
            bad_field("state.pid", "out of range: " + excerpt(*pid));
    }
    st.annotations = parse_annotations(root, "state.");
    return st;
}

RequestOrigin find_request(const json::object& root, const Annotations& state_annotations) {
    RequestOrigin o;
    if (const json::value* lv = root.if_contains("linux"); lv && !lv->is_null())
        if (const json::value* nd = as_object(*lv, "linux").if_contains("netDevices");
            nd && !nd->is_null()) {
            o.source = RequestSource::config;
            o.field = "linux.netDevices";
            o.map = &as_object(*nd, o.field);
            return o;
        }
    const std::string key(kDevicesAnnotation);
    if (const json::value* av = root.if_contains("annotations"); av && !av->is_null())
        if (const json::value* v = as_object(*av, "annotations").if_contains(key)) {
            o.field = "annotations[\"" + key + "\"]";
            if (!v->is_string()) wrong_type(o.field, "a string", *v);
            o.source = RequestSource::annotation;
            o.text = std::string(v->get_string());
            return o;
        }
    if (auto st = state_annotations.find(key); st != state_annotations.end()) {
        o.source = RequestSource::annotation;
        o.field = "state.annotations[\"" + key + "\"]";
        o.text = st->second;
    } else if (auto env = process_env(root, kDevicesEnv)) {
        o.source = RequestSource::env;
        o.field = "process.env[\"" + std::string(kDevicesEnv) + "\"]";
        o.text = *env;
    }
    return o;
}

OciConfig parse_config(std::string_view json_text, const Annotations& state_annotations) {
    json::value v = parse_json(json_text, "config.json");
    const json::object& root = as_object(v, "config.json");
    OciConfig cfg;
    cfg.annotations = parse_annotations(root, "");
    if (const json::value* lv = root.if_contains("linux"); lv && !lv->is_null())
        cfg.netns = parse_network_namespace(as_object(*lv, "linux"));
    RequestOrigin origin = find_request(root, state_annotations);
    cfg.source = origin.source;
    cfg.devices_source = origin.field;
    if (origin.map) {
        refuse_duplicate_keys(json_text, {"linux", "netDevices"}, origin.field);
        cfg.devices = parse_net_devices(*origin.map, origin.field);
    } else if (origin.source != RequestSource::none) {
        cfg.devices = devices_from_annotation(origin.text, origin.field);
    }
    return cfg;
}

}  // namespace netdev
