#include "hooks/give_back.hpp"

#include "common/audit.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/netns_pin.hpp"
#include "hooks/device_locks.hpp"
#include "hooks/device_whereabouts.hpp"
#include "netdev/mover.hpp"
#include "netdev/resolve.hpp"

namespace netdev {

std::optional<Netns> find_container_netns(const ContainerRecord& rec, const StateDir& dir) {
    auto same = [&](std::optional<Netns> ns) {
        return ns && ns->id() == rec.netns ? std::move(ns) : std::nullopt;
    };
    if (!rec.pin.empty())
        if (auto ns = same(open_pinned(dir, rec.pin))) return ns;
    if (!rec.netns_path.empty()) {
        try {
            if (auto ns = same(Netns::open_path(rec.netns_path))) return ns;
            NETDEV_LOG(info) << rec.netns_path << " is another netns now";
        } catch (const HookError& e) {
            NETDEV_LOG(info) << "container netns gone: " << e.what();
        }
    }
    if (std::optional<pid_t> pid = process_in_netns(rec.netns)) {
        try {
            if (auto ns = same(Netns::open_pid(*pid))) return ns;
        } catch (const HookError&) {  // exited since the scan: the netns may be gone too
        }
    }
    // Bind-mounted elsewhere (its path now names another netns, an `ip netns` moved): alive.
    if (std::optional<std::string> at = mounted_netns_path(rec.netns)) {
        try {
            if (auto ns = same(Netns::open_path(*at))) return ns;
        } catch (const HookError&) {  // unmounted since the scan
        }
    }
    return std::nullopt;
}

std::vector<std::string> give_back(const ContainerRecord& rec, const Netns* container,
                                   const char* why, const StateDir& dir,
                                   const SocketFactory& open) {
    Netns self = Netns::current();
    NetlinkSocket host_sock = open(self);
    std::optional<NetlinkSocket> ctr_sock;
    if (container) ctr_sock.emplace(open(*container));
    std::optional<NetnsEnd> ctr_end;
    if (container) ctr_end.emplace(NetnsEnd{*container, *ctr_sock});

    std::string problems;
    std::vector<std::string> notes;
    for (auto it = rec.devices.rbegin(); it != rec.devices.rend(); ++it) {
        if (it->phase == DevicePhase::planned) continue;  // never touched
        const HostState& h = it->host;
        NETDEV_LOG_DEVICE(h.name);
        try {
            TransientLock lock =
                dir.lock_transient(device_lock_name(identity_key(h.index, h.identity)));
            if (bring_back(h, {self, host_sock}, ctr_end ? &*ctr_end : nullptr,
                           it->phase == DevicePhase::configured ? it->container_index : 0))
                audit(h.name, "returned", why);
            else
                notes.push_back(h.name + ": " +
                                away_from_both(h, {self, host_sock}, !ctr_end, why));
        } catch (const HookError& e) {
            audit(h.name, "failed", std::string(why) + ": " + e.what());
            problems += (problems.empty() ? "" : "; ") + h.name + ": " + e.what();
        }
    }
    if (!problems.empty()) throw HookError(ExitCode::restore_incomplete, problems);
    return notes;
}

void release_record(const StateDir& dir, const std::string& file, const ContainerRecord& rec) {
    if (!rec.pin.empty()) unpin_netns(dir, rec.pin);
    dir.remove_file(file);
}

void settle_earlier_run(Journal& journal, const Netns& target, const StateDir& dir,
                        const SocketFactory& open) {
    const std::optional<ContainerRecord>& earlier = journal.earlier();
    if (!earlier || (earlier->committed && earlier->netns == target.id())) return;
    NETDEV_LOG(info) << "an earlier run for this container "
                     << (earlier->committed ? "moved devices into another netns" : "never finished")
                     << ": giving its devices back first";
    std::optional<Netns> found;
    if (!(earlier->netns == target.id())) found = find_container_netns(*earlier, dir);
    try {
        give_back(*earlier,
                  earlier->netns == target.id() ? &target
                  : found                       ? &*found
                                                : nullptr,
                  "createRuntime again", dir, open);
    } catch (const HookError& e) {
        throw HookError(ExitCode::restore_incomplete,
                        "an earlier run for this container left devices that cannot be given "
                        "back (" +
                            dir.path() + "/" + journal.file() + "): " + e.what());
    }
    if (!earlier->pin.empty()) unpin_netns(dir, earlier->pin);
    journal.drop_earlier();
}

}  // namespace netdev
