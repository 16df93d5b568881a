#include "hooks/device_locks.hpp"

#include <set>

#include "common/error.hpp"
#include "common/logging.hpp"

namespace netdev {
namespace {

constexpr int kAttempts = 5;

std::set<std::string> keys_of(const std::vector<ResolvedDevice>& devices) {
    std::set<std::string> keys;
    for (const ResolvedDevice& d : devices)
        if (d.host_link) keys.insert(identity_key(*d.host_link));
    return keys;
}

}  // namespace

std::string device_lock_name(const std::string& key) {
    return "dev-" + key + ".lock";
}

LockedDevices lock_devices(const StateDir& dir, const std::vector<NetDeviceRequest>& requests,
                           LinkLookup& host, LinkLookup& container) {
    std::set<std::string> keys = keys_of(resolve_all(requests, host, container));
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        LockedDevices held;
        for (const std::string& key : keys)  // std::set: sorted
            held.locks.push_back(dir.lock_transient(device_lock_name(key)));
        held.devices = resolve_all(requests, host, container);
        std::set<std::string> now = keys_of(held.devices);
        // Fewer is fine (moved meanwhile: the planner sees it gone); new ones need locks.
        if (std::includes(keys.begin(), keys.end(), now.begin(), now.end())) return held;
        NETDEV_LOG(info) << "devices changed while locking; locking again";
        keys = std::move(now);
    }
    throw HookError(ExitCode::refused, "the requested devices keep changing; try again");
}

}  // namespace netdev
