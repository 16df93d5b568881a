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

using Annotations = std::map<std::string, std::string, std::less<>>;

struct NetDeviceRequest {
    std::string host_name;       // the entry key
    std::string container_name;  // "name", or the host name when absent or empty
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

struct OciConfig {
    std::vector<NetDeviceRequest> devices;  // in config order: the processing order
    std::string devices_source;             // where `devices` came from, for messages
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
// from that of `state_annotations`.
OciConfig parse_config(std::string_view json_text, const Annotations& state_annotations);

}  // namespace netdev
