#pragma once
// The write-ahead record of one container: what each device was and had on the host before
// the hook changed anything, and how far the hook got with it. One file in the state dir:
//   line 1   the record (JSON), written atomically before the first change;
//   then     one short line per completed step, appended and synced ("touch 0",
//            "configured 0 7 eth0", "commit"); a torn last line is ignored.
// Every later run (createRuntime again, poststop, recover, status) reads it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "netdev/address.hpp"
#include "netdev/device_settings.hpp"
#include "netdev/routes.hpp"

namespace netdev {

// A device as it was on the host: what every give-back restores.
struct HostState {
    int index = 0;
    std::string name;
    std::vector<std::uint8_t> identity;  // permanent MAC when it has one, else current MAC
    std::vector<std::uint8_t> mac;       // current MAC (a container may change it)
    bool up = false;
    std::uint32_t mtu = 0;
    int master = 0;                        // ifindex of its bridge on the host, 0 for none
    std::vector<AddressRecord> addresses;  // the carried ones (permanent, global)
    std::vector<RouteRecord> routes;       // the carried ones through it (routes.hpp)
    std::vector<DeviceSetting> settings;   // as it had them (device_settings(), K13, K17)
};

// How far the hook got with a device. `touched`: something may have changed, it must be
// brought back; `configured`: moved, addressed and up in the container.
enum class DevicePhase { planned, touched, configured };

struct DeviceRecord {
    HostState host;
    DevicePhase phase = DevicePhase::planned;
    std::string container_name;  // final, after %d (configured only)
    int container_index = 0;
    std::string requested = {};  // the selector or altname it was asked by; empty: host_name
};

struct ContainerRecord {
    std::string id;
    std::string bundle;
    NetnsId netns;           // identity of the container netns
    std::string netns_path;  // the config's path (a pre-created netns), empty for a pid's
    std::string pin;         // file in the state dir holding the netns (bind mount), or empty
    std::vector<DeviceRecord> devices;
    bool committed = false;  // createRuntime finished: every device configured
    // Empty: the hook moved the devices. Else the runtime that moves linux.netDevices itself
    // (docs/runtimes.md): the host state is then what the hook saw of each device, on the host
    // (the runtime moves after createRuntime) or in the container (it moved before).
    std::string moved_by;
};

// The record's file name for container `id` with `bundle`: the id (its first 200 bytes, so
// the name always fits NAME_MAX) and a hash of both, so two containers with one id under two
// runtimes or roots never share a record. validate_container_id() first.
std::string record_file_name(const std::string& id, const std::string& bundle);
inline constexpr const char* kRecordSuffix = ".record";
// True when `file` may be a record of container `id` (its name starts like one).
bool record_file_may_be_of(const std::string& file, const std::string& id);

// Line 1 of the record file, with its newline: `rec`, with `more` devices after its own.
// `more_requested[i]`: what more[i] was asked by (DeviceRecord::requested).
std::string record_header(const ContainerRecord& rec, const std::vector<HostState>& more = {},
                          const std::vector<std::string>& more_requested = {});
// Step lines, with their newline.
std::string touch_step(std::size_t device);
std::string configured_step(std::size_t device, int container_index, const std::string& name);
inline constexpr const char* kCommitStep = "commit\n";

// A step line for each device's phase, then commit if committed.
std::string record_steps(const ContainerRecord& rec);
// The whole file for `rec`: header, then record_steps().
std::string record_text(const ContainerRecord& rec);

// Parses a record file: header, then steps. Throws HookError(failed_restored) naming `what`.
ContainerRecord parse_record(const std::string& text, const std::string& what);

// Which recorded settings `status` lists: a record keeps every one (device_settings.hpp),
// an admin wants to see those that differ from the host's defaults.
using SettingFilter = std::function<bool(const DeviceSetting&)>;
// For `status`: one device a line, then its addresses, routes and the settings `shown` picks.
std::string describe_record(const ContainerRecord& rec, const SettingFilter& shown = {});

}  // namespace netdev
