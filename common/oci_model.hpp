#pragma once
// The parts of the OCI state (runtime-spec runtime.md "State") and bundle config.json
// (config-linux.md "Network Devices", "Namespaces") that the hook acts on.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdev {

// For runtimes without linux.netDevices in their users' hands (podman, CRI-O): the same JSON
// object, as a string, in this annotation; or the compact form of parse_device_words().
inline constexpr std::string_view kDevicesAnnotation = "oci-netdev-hook.devices";
inline constexpr std::size_t kMaxAnnotationBytes = 64 << 10;
// "true": poststop gives the devices back to the host (as the --restore argument does).
inline constexpr std::string_view kRestoreAnnotation = "oci-netdev-hook.restore";
// "addresses": only the addresses travel into the container; the routes through a device and
// its per-device settings stay behind (they are still recorded and put back on the host).
// "all" (the default): they travel too. Values are CarryL3.
inline constexpr std::string_view kCarryAnnotation = "oci-netdev-hook.carry";

// The runtime wrapper (oci-netdev-runtime) passes its users' request in the container's
// process.env: the same two forms as the annotation.
inline constexpr std::string_view kDevicesEnv = "OCI_NETDEV_HOOK_DEVICES";

// Who asked for the devices. The policy trusts linux.netDevices and the command line by
// default (their authors control the container's privileges anyway); an annotation or an
// env entry can be set by anyone allowed to start a container.
enum class RequestSource { none, config, annotation, env, command_line };
// "config", "annotation", "env", "command-line": the names policy rules use.
const char* source_name(RequestSource source);

using Annotations = std::map<std::string, std::string, std::less<>>;

// Whether the container asks for routes and per-device settings to travel (kCarryAnnotation
// in the config's annotations, else the state's). Throws HookError(invalid_input) naming the
// annotation and its value when it is neither "all" nor "addresses".
bool carry_l3_asked(const Annotations& config, const Annotations& state);

struct NetDeviceRequest {
    std::string host_name;       // the entry key
    std::string container_name;  // "name", or the host name when absent or empty
    // As asked, when resolve found the device under another name: a selector
    // (common/device_selector.hpp) or an altname; host_name is then the kernel's name.
    std::string requested = {};
};

struct OciState {
    std::string id;
    std::string status;
    std::optional<long long> pid;  // absent or null after the container is gone
    std::string bundle;
    Annotations annotations;
};

struct NetworkNamespace {
    bool private_netns = false;  // linux.namespaces has a "network" entry
    std::string path;            // its "path", empty when the runtime creates a new one
};

// Who the container is for Kubernetes, when a CRI runtime says so in its annotations.
struct KubePod {
    std::string namespace_name;  // io.kubernetes.pod.namespace (CRI-O), ...sandbox-namespace
    std::string pod_name;        // io.kubernetes.pod.name (CRI-O), ...sandbox-name (containerd)
};
// Config annotations first, then the state's.
KubePod kube_pod_of(const Annotations& config, const Annotations& state);

struct OciConfig {
    std::vector<NetDeviceRequest> devices;  // in config order: the processing order
    RequestSource source = RequestSource::none;
    std::string devices_source;  // where `devices` came from, as a field path for messages
    NetworkNamespace netns;
    Annotations annotations;
};

// "eth1=ctr1 eth2": whitespace-separated HOSTDEV[=NAME] words, the command line's and the
// annotation's compact form (podman's --annotation splits its value as CSV, so JSON there
// needs quoting). Names are not validated here.
std::vector<NetDeviceRequest> parse_device_words(std::string_view text);

// Both throw HookError(invalid_input) naming the field and the offending value.
OciState parse_state(std::string_view json_text);
// Devices come from linux.netDevices, else from the kDevicesAnnotation of the config, else
// from that of `state_annotations`, else from kDevicesEnv in process.env.
OciConfig parse_config(std::string_view json_text, const Annotations& state_annotations);

}  // namespace netdev
