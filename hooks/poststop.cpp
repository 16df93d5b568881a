// poststop and recover: give recorded devices back to the host as they were, then forget them.
#include "hooks/poststop.hpp"

#include <ostream>

#include "common/error.hpp"
#include "common/escape.hpp"
#include "common/logging.hpp"
#include "common/netns_pin.hpp"
#include "common/state_sweep.hpp"
#include "hooks/give_back.hpp"

namespace netdev {
namespace {

std::vector<std::string> give_back_and_release(const StateDir& dir, const std::string& file,
                                               const ContainerRecord& rec, const char* why) {
    std::optional<Netns> ctr = find_container_netns(rec, dir);
    if (!ctr) NETDEV_LOG(debug) << "container netns of " << rec.id << " is gone";
    std::vector<std::string> notes = give_back(rec, ctr ? &*ctr : nullptr, why, dir);
    release_record(dir, file, rec);
    return notes;
}

// Why `recover` without an id leaves a record alone: a process runs in its netns, or the netns
// is still there at its recorded path (a pre-created one, or `move --netns`: someone holds it).
// A pin alone does not count: it is the hook's own, left by a container that is gone.
std::optional<std::string> still_in_use(const ContainerRecord& rec) {
    if (std::optional<pid_t> pid = process_in_netns(rec.netns))
        return "running (pid " + std::to_string(*pid) + " is in its netns)";
    if (!rec.netns_path.empty()) {
        try {
            if (Netns::open_path(rec.netns_path).id() == rec.netns)
                return "its netns is still at " + rec.netns_path;
        } catch (const HookError&) {  // gone, or another file now
        }
    }
    // Held by a bind mount elsewhere, not the hook's own pin.
    if (std::optional<std::string> at = mounted_netns_path(rec.netns))
        if (rec.pin.empty() || at->find(rec.pin) == std::string::npos)
            return "its netns is still mounted at " + *at;
    return std::nullopt;
}

}  // namespace

void run_poststop(const OciState& st, bool restore, const StateDir& dir) {
    validate_container_id(st.id);
    sweep_stale_temp_files(dir);  // a killed run's temporary files
    const std::string file = record_file_name(st.id, st.bundle);
    std::optional<ContainerRecord> rec = read_record(dir, file);
    if (!rec) {
        NETDEV_LOG(debug) << "no record for " << st.id << ": nothing to give back";
        return;
    }
    // Restore on at createRuntime (config.json's annotation, which a poststop state may not
    // carry) pinned the netns: the record says so.
    if (!rec->pin.empty()) restore = true;
    if (!rec->committed) {
        NETDEV_LOG(warning) << "createRuntime never finished: giving every device back";
    } else if (!restore) {
        release_record(dir, file, *rec);  // the kernel's default fate for the devices
        return;
    }
    give_back_and_release(dir, file, *rec, "poststop");
}

void run_recover(const std::string& id, const StateDir& dir, std::ostream& out) {
    if (!id.empty()) validate_container_id(id);
    for (const std::string& f : sweep_stale_temp_files(dir))
        out << "removed " << escape_control(f) << ", a temporary file of a run that was killed\n";
    std::string problems;
    int seen = 0;
    for (const std::string& file : dir.list(kRecordSuffix)) {
        if (!id.empty() && !record_file_may_be_of(file, id)) continue;
        std::optional<ContainerRecord> rec = read_record(dir, file);
        if (!rec || (!id.empty() && rec->id != id)) continue;
        ++seen;
        if (id.empty())
            if (std::optional<std::string> why = still_in_use(*rec)) {
                out << "container " << rec->id << ": " << *why << ", left alone\n";
                continue;
            }
        set_log_context(rec->id, "recover");
        try {
            for (const std::string& note : give_back_and_release(dir, file, *rec, "recover"))
                out << "container " << rec->id << ": " << escape_control(note) << "\n";
            out << "container " << rec->id << ": every device given back\n";
        } catch (const HookError& e) {
            problems += (problems.empty() ? "" : "; ") + rec->id + ": " + e.what();
        }
    }
    if (!id.empty() && seen == 0)
        throw HookError(ExitCode::invalid_input, "no record for " + id + " in " + dir.path());
    if (seen == 0) out << "no records in " << dir.path() << "\n";
    if (!problems.empty()) throw HookError(ExitCode::restore_incomplete, problems);
}

}  // namespace netdev
