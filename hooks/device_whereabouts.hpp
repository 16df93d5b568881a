#pragma once
// Where a recorded device is once its container netns is gone, found by identity
// (permanent MAC, else MAC): on the host netns, in the kernel's initial netns (where a
// physical NIC or VF goes when its netns dies, as dev%d and without its addresses; not the
// host netns it came from when the hook runs in another one), or nowhere (a veth or macvlan
// is destroyed with its netns). `status` reports it; give_back brings a device back from
// the initial netns to the recorded host netns and state. Only a physical device (no kind,
// a permanent MAC equal to the recorded identity) counts there: a vlan or ipvlan shares its
// lower device's MAC, and the machine's own NICs are there too.
#include <optional>
#include <string>

#include "common/netns.hpp"
#include "common/state_dir.hpp"
#include "netdev/mover.hpp"
#include "netdev/records.hpp"

namespace netdev {

inline constexpr const char* kInitialNetnsPath = "/proc/1/ns/net";

// The initial netns (kInitialNetnsPath) when it is another netns than `self`; nullopt when it
// is `self` or cannot be opened.
std::optional<Netns> initial_netns_besides(const Netns& self);

// In-process tests only: while one lives, the initial netns is read at `path` (a test cannot
// let a device reach the real one), and a veth there counts as the device that returned (the
// kernel returns only physical devices, which a test machine has none of to spare). Not
// reachable from the command line or the environment.
class InitialNetnsForTests {
  public:
    explicit InitialNetnsForTests(std::string path);
    InitialNetnsForTests(const InitialNetnsForTests&) = delete;
    InitialNetnsForTests& operator=(const InitialNetnsForTests&) = delete;
    ~InitialNetnsForTests();

  private:
    std::string saved_;
};

// For a record whose container netns is gone: one line per device the hook touched, where it
// is now ("  v0: returned to the initial netns as dev3", "  v1: destroyed with its netns").
// Empty while the container netns lives (the devices are there). Changes nothing; what
// cannot be looked at is said in a line, not thrown.
std::string describe_whereabouts(const ContainerRecord& rec, const StateDir& dir);

// A device found neither on the host nor in its container: when it is in the initial netns
// (another than the host's), it is moved back to `host` and restored as recorded
// (bring_back). Returns what was done ("returned to the initial netns as dev3, brought
// back"), nullopt when it is not there. Throws HookError as bring_back does.
std::optional<std::string> bring_back_from_initial(const HostState& as_was, NetnsEnd host);

// give_back's last resort for a device on neither the host nor in its container: brought
// back from the initial netns (audited "returned" with `why`), else logged as gone. Returns
// the note: "returned to the initial netns as dev3, brought back", "destroyed with its
// netns" (`netns_gone`), or "found nowhere".
std::string away_from_both(const HostState& as_was, NetnsEnd host, bool netns_gone,
                           const char* why);

}  // namespace netdev
