#pragma once
// What the hook did for one container, kept so that poststop can give the devices back as
// they were: /run/oci-netdev-hook/<container-id>.json.
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "netdev/address.hpp"

namespace netdev {

struct DeviceRecord {
    std::string host_name;
    int host_index = 0;
    std::vector<std::uint8_t> mac;  // permanent MAC when the device has one, else current
    bool was_up = false;
    std::uint32_t mtu = 0;
    std::vector<AddressRecord> addresses;
    std::string container_name;  // final, after %d
    int container_index = 0;
    std::string requested = {};  // the selector or altname it was asked by; empty: host_name
};

struct ContainerRecord {
    std::string id;
    NetnsId netns;           // identity of the container netns
    std::string netns_path;  // the config's path (a pre-created netns), empty for /proc/PID
    std::vector<DeviceRecord> devices;
};

std::string record_to_json(const ContainerRecord& rec);
// Throws HookError(failed_restored) naming the record when it does not parse.
ContainerRecord record_from_json(const std::string& text, const std::string& what);
// For `status`: one device a line.
std::string describe_record(const ContainerRecord& rec);

}  // namespace netdev
