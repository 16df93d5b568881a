#pragma once
// The write-ahead record of one createRuntime run (records.hpp), written as the mover goes:
// the record before the first change, then one synced line per completed step.
#include <optional>
#include <string>
#include <vector>

#include "common/oci_model.hpp"
#include "common/state_dir.hpp"
#include "netdev/link.hpp"
#include "netdev/records.hpp"

namespace netdev {

class Journal {
  public:
    // For `header` (id, bundle, netns; devices are added by begin()). Reads the record an
    // earlier run for the same container left, if any; writes nothing yet. With `pin`,
    // begin() also pins that netns (the target) in the state dir until the record goes.
    Journal(const StateDir& dir, ContainerRecord header, const Netns* pin = nullptr);

    // The earlier run's record (createRuntime run again for this container), if any.
    const std::optional<ContainerRecord>& earlier() const { return earlier_; }
    // Forgets the earlier record once its devices are back on the host.
    void drop_earlier();
    // True when the earlier, finished run moved exactly this device (identity) into this
    // netns as `request`: the evidence a device missing from the host is already done.
    bool moved_here(const NetDeviceRequest& request, const LinkInfo& in_container) const;

    // Before the first change: the record with every device as it is on the host (and the
    // devices an earlier finished run configured), then the pin. Throws HookError(refused)
    // when either fails: nothing has changed yet.
    // `requested[i]`: the selector or altname device i was asked by (empty: its host name).
    void begin(const std::vector<HostState>& devices, const std::vector<std::string>& requested);
    // Before the first change to device `i` (of begin()'s list).
    void touching(std::size_t i);
    // Device `i` is moved, addressed and up as `name` (ifindex `index`) in the container.
    void configured(std::size_t i, const std::string& name, int index);
    // Every device is configured: createRuntime succeeded.
    void commit();
    // Every device is back on the host as it was: there is nothing to record.
    void forget();

    const std::string& file() const { return file_; }

  private:
    void step(const std::string& line);
    const StateDir& dir_;
    ContainerRecord header_;
    const Netns* pin_;
    std::string file_;
    std::optional<ContainerRecord> earlier_;
    std::size_t first_ = 0;  // index of begin()'s first device in the record
    UniqueFd log_;
};

// The record `file` in `dir`, if any.
std::optional<ContainerRecord> read_record(const StateDir& dir, const std::string& file);

// Appends step lines (records.hpp) to the record `file`, synced: a later stage's progress
// (createContainer confirming what a runtime moved after createRuntime).
void append_record_steps(const StateDir& dir, const std::string& file, const std::string& lines);

}  // namespace netdev
