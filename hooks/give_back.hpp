#pragma once
// Bringing back what a record says the hook moved: poststop, `recover`, and createRuntime run
// again over what an earlier, killed run left.
#include <optional>
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "common/state_dir.hpp"
#include "netdev/journal.hpp"
#include "netdev/netlink_socket.hpp"

namespace netdev {

// The record's container netns while it is alive: at its pin, at its path, or as the netns
// of any process (a netns given by pid lives on while something runs in it).
std::optional<Netns> find_container_netns(const ContainerRecord& rec, const StateDir& dir);

// Every device of `rec` the hook touched goes back to the host as recorded, from wherever it
// is now (`container`: the live container netns, if any). A device found nowhere died with
// its netns (a veth, a macvlan): logged, not an error. Throws HookError(restore_incomplete)
// naming each device that could not be given back. Each outcome is audited with `why`.
// Each device is given back under its lock (device_locks.hpp), so a createRuntime taking it
// meanwhile waits until it is back as it was. A device returned to the initial netns is
// brought back from there (device_whereabouts.hpp). Returns a note for each device not given
// back from the host or the container ("v1: destroyed with its netns").
// `open`: the sockets, the kernel's unless a test injects its own.
std::vector<std::string> give_back(const ContainerRecord& rec, const Netns* container,
                                   const char* why, const StateDir& dir,
                                   const SocketFactory& open = kernel_socket);

// The record `file` and its pin are removed (after give_back, or when nothing is to be done).
void release_record(const StateDir& dir, const std::string& file, const ContainerRecord& rec);

// createRuntime run again for a container: a record of a run that never finished (killed),
// or of an earlier container with the same id and bundle, is rolled back first, so this run
// starts from the host as it was. A finished run's record for this netns is kept: it is the
// evidence for devices already moved (Journal::moved_here).
void settle_earlier_run(Journal& journal, const Netns& target, const StateDir& dir,
                        const SocketFactory& open = kernel_socket);

}  // namespace netdev
