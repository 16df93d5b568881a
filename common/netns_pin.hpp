#pragma once
// Keeping a container netns reachable after its last process exits, as `ip netns add` does:
// a bind mount of its nsfs file onto a file, here only ever in the hook's state dir. A veth
// or macvlan in a pinned netns survives until poststop gives it back, instead of dying.
#include <sys/types.h>

#include <optional>
#include <string>

#include "common/netns.hpp"
#include "common/state_dir.hpp"

namespace netdev {

// Creates `name` in `dir` and bind-mounts `netns` onto it. Throws HookError(refused).
void pin_netns(const StateDir& dir, const std::string& name, const Netns& netns);
// The netns pinned at `name`, if the pin is there and still holds a netns.
std::optional<Netns> open_pinned(const StateDir& dir, const std::string& name);
// Unmounts and removes the pin; nothing when it is not there.
void unpin_netns(const StateDir& dir, const std::string& name);

// A process whose network namespace is `id` (a scan of /proc), if any.
std::optional<pid_t> process_in_netns(const NetnsId& id);

// A path where netns `id` is bind-mounted in this mount namespace (`ip netns add`, another
// tool's pin: /proc/self/mountinfo, nsfs mounts of "net:[INODE]"), if any.
std::optional<std::string> mounted_netns_path(const NetnsId& id);

}  // namespace netdev
