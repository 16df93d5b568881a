#pragma once
// Lock: one lock per device, keyed by its identity (ifindex + MAC), taken only for devices
// that exist, in sorted order (no two hooks wait on each other in opposite order), removed
// on release (nothing left behind by a refusal).
#include <vector>

#include "common/state_dir.hpp"
#include "netdev/resolve.hpp"

namespace netdev {

// The lock file of the device with identity `key` (resolve.hpp identity_key): the one name
// every step that changes a device (the move, a give-back) takes its lock under.
std::string device_lock_name(const std::string& key);

struct LockedDevices {
    std::vector<TransientLock> locks;
    std::vector<ResolvedDevice> devices;  // resolved again once the locks are held
};

// Resolves, locks, resolves again; retries when a device changed in between (another hook
// moved it, a new one took its name).
LockedDevices lock_devices(const StateDir& dir, const std::vector<NetDeviceRequest>& requests,
                           LinkLookup& host, LinkLookup& container);

}  // namespace netdev
