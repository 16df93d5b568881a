#include "hooks/container_check.hpp"

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/netns.hpp"
#include "netdev/journal.hpp"
#include "netdev/link.hpp"
#include "netdev/verify.hpp"

namespace netdev {
namespace {

const DeviceRecord* record_for(const ContainerRecord& rec, const NetDeviceRequest& r) {
    for (const DeviceRecord& d : rec.devices)
        if (d.phase != DevicePhase::planned &&
            (d.host.name == r.host_name || (!d.requested.empty() && d.requested == r.host_name)))
            return &d;
    return nullptr;
}

// The recorded device where it should be: at its ifindex (kept across a move unless taken,
// K4), else under its name.
std::optional<LinkInfo> find_recorded(NetlinkSocket& sock, const DeviceRecord& d,
                                      const std::string& name) {
    if (d.phase == DevicePhase::configured && d.container_index)
        if (auto l = find_link_by_index(sock, d.container_index);
            l && l->identity() == d.host.identity)
            return l;
    return find_link_by_name(sock, name);
}

}  // namespace

void check_in_container(NetlinkSocket& sock, const OciState& st, const OciConfig& cfg,
                        const StateDir& dir) {
    validate_container_id(st.id);  // names the record
    const std::string file = record_file_name(st.id, st.bundle);
    std::optional<ContainerRecord> rec = read_record(dir, file);
    // Only a record of this netns (createContainer runs in it) speaks for these devices: one
    // left by an earlier container with the same id and bundle does not.
    if (rec && !(rec->netns == Netns::current().id())) rec.reset();
    const std::string by = rec && !rec->moved_by.empty() ? "; moved by " + rec->moved_by : "";
    std::string steps;
    for (const NetDeviceRequest& r : cfg.devices) {
        const DeviceRecord* d = rec ? record_for(*rec, r) : nullptr;
        if (!d) {
            verify_devices_present(sock, {r});
            continue;
        }
        const std::string name =
            d->phase == DevicePhase::configured ? d->container_name : r.container_name;
        std::optional<LinkInfo> link = find_recorded(sock, *d, name);
        if (!link || link->identity() != d->host.identity)
            throw HookError(ExitCode::failed_restored,
                            d->host.name + ": " + name + " in " + sock.netns_label() +
                                " is not the device asked for (MAC " +
                                (link ? mac_text(link->identity()) : "none") + ", expected " +
                                mac_text(d->host.identity) + ")" + by);
        if (!link->up())
            throw HookError(ExitCode::failed_restored, d->host.name + ": " + link->name + " in " +
                                                           sock.netns_label() + " is down");
        if (d->phase != DevicePhase::configured)
            steps += configured_step(static_cast<std::size_t>(d - rec->devices.data()), link->index,
                                     link->name);
        NETDEV_LOG(info) << d->host.name << ": present as " << link->name << by;
    }
    if (!steps.empty()) append_record_steps(dir, file, steps);
}

}  // namespace netdev
