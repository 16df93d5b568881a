#include "netdev/journal.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/netns_pin.hpp"
#include "common/state_sweep.hpp"

namespace netdev {

std::optional<ContainerRecord> read_record(const StateDir& dir, const std::string& file) {
    std::optional<std::string> text = dir.read_file(file);
    if (!text) return std::nullopt;
    return parse_record(*text, dir.path() + "/" + file);
}

void append_record_steps(const StateDir& dir, const std::string& file, const std::string& lines) {
    UniqueFd log = dir.open_for_append(file);
    dir.append(log, lines, file);
}

Journal::Journal(const StateDir& dir, ContainerRecord header, const Netns* pin)
    : dir_(dir),
      header_(std::move(header)),
      pin_(pin),
      file_(record_file_name(header_.id, header_.bundle)),
      earlier_(read_record(dir, file_)) {
    sweep_stale_temp_files(dir_);  // a killed run's temporary files
    if (pin_) header_.pin = file_ + ".netns";
}

void Journal::drop_earlier() {
    dir_.remove_file(file_);
    earlier_.reset();
}

bool Journal::moved_here(const NetDeviceRequest& request, const LinkInfo& in_container) const {
    if (!earlier_ || !earlier_->committed || !(earlier_->netns == header_.netns)) return false;
    for (const DeviceRecord& d : earlier_->devices)
        // Asked by its name, or by what the earlier run recorded it was asked by (an altname).
        if (d.phase == DevicePhase::configured &&
            (d.host.name == request.host_name ||
             (!d.requested.empty() && d.requested == request.host_name)) &&
            d.host.identity == in_container.identity() && d.container_index == in_container.index)
            return true;
    return false;
}

void Journal::begin(const std::vector<HostState>& devices,
                    const std::vector<std::string>& requested) {
    ContainerRecord rec = header_;
    // Devices the earlier, finished run configured here stay recorded (a re-run adding some),
    // unless this run moves that device again: then it was given back since.
    auto moved_now = [&](const HostState& h) {
        return std::any_of(devices.begin(), devices.end(),
                           [&](const HostState& d) { return d.identity == h.identity; });
    };
    if (earlier_ && earlier_->committed && earlier_->netns == header_.netns)
        for (const DeviceRecord& d : earlier_->devices)
            if (d.phase == DevicePhase::configured && !moved_now(d.host)) rec.devices.push_back(d);
    first_ = rec.devices.size();
    try {
        // `devices` (most of the record) written where they are, not copied into `rec`; the
        // steps appended to the header in place (a + would copy the whole text once more).
        std::string text = record_header(rec, devices, requested);
        text += record_steps(rec);
        log_ = dir_.write_file_for_append(file_, text);
    } catch (const HookError& e) {
        throw HookError(ExitCode::refused,
                        "write-ahead record: " + std::string(e.what()) + "; nothing was changed",
                        e.sys_errno());
    }
    // After the record, so that a pin is never left without a record naming it.
    if (pin_) {
        std::optional<Netns> pinned = open_pinned(dir_, header_.pin);
        if (!pinned || !(pinned->id() == pin_->id())) {
            try {
                pin_netns(dir_, header_.pin, *pin_);
            } catch (const HookError& e) {
                forget();
                throw HookError(ExitCode::refused, std::string(e.what()) + "; nothing was changed",
                                e.sys_errno());
            }
        }
    }
    NETDEV_LOG(debug) << "record " << dir_.path() << "/" << file_ << " written";
}

void Journal::step(const std::string& line) {
    dir_.append(log_, line, file_);
}

void Journal::touching(std::size_t i) {
    step(touch_step(first_ + i));
}

void Journal::configured(std::size_t i, const std::string& name, int index) {
    step(configured_step(first_ + i, index, name));
}

void Journal::commit() {
    step(kCommitStep);
}

void Journal::forget() {
    log_.reset();
    // What an earlier run moved is still in the container: its record (and pin) stay.
    if (first_ > 0) return dir_.write_file(file_, record_text(*earlier_));
    if (!header_.pin.empty()) unpin_netns(dir_, header_.pin);
    dir_.remove_file(file_);
}

}  // namespace netdev
