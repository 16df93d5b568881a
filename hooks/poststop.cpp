// poststop: give recorded devices back to the host as they were (opt-in), then forget them.
#include <linux/if.h>

#include "common/audit.hpp"
#include "common/error.hpp"
#include "common/logging.hpp"
#include "hooks/poststop.hpp"
#include "netdev/records.hpp"

namespace netdev {
namespace {

// The container netns of the record, if it is still alive and reachable by its path (a
// pre-created netns); a netns made for the container is gone with it.
std::optional<Netns> live_container_netns(const ContainerRecord& rec) {
    if (rec.netns_path.empty()) return std::nullopt;
    try {
        Netns ns = Netns::open_path(rec.netns_path);
        if (ns.id() == rec.netns) return ns;
        NETDEV_LOG(info) << rec.netns_path << " is another netns now";
    } catch (const HookError& e) {
        NETDEV_LOG(info) << "container netns gone: " << e.what();
    }
    return std::nullopt;
}

LinkInfo original_of(const DeviceRecord& d) {
    LinkInfo l;
    l.index = d.host_index;
    l.name = d.host_name;
    l.flags = d.was_up ? IFF_UP : 0;
    l.mtu = d.mtu;
    l.mac = d.mac;  // the identity MAC (permanent when the device has one)
    return l;
}

}  // namespace

void run_poststop(const OciState& st, bool restore, const StateDir& dir) {
    validate_container_id(st.id);
    const std::string file = st.id + ".json";
    std::optional<std::string> text = dir.read_file(file);
    if (!text) {
        NETDEV_LOG(debug) << "no record for " << st.id << ": nothing to give back";
        return;
    }
    if (!restore) {
        dir.remove_file(file);
        return;
    }
    ContainerRecord rec = record_from_json(*text, dir.path() + "/" + file);
    Netns self = Netns::current();
    NetlinkSocket host_sock = NetlinkSocket::open_in(self);
    std::optional<Netns> ctr = live_container_netns(rec);
    std::optional<NetlinkSocket> ctr_sock;
    if (ctr) ctr_sock.emplace(NetlinkSocket::open_in(*ctr));
    std::optional<NetnsEnd> ctr_end;
    if (ctr) ctr_end.emplace(NetnsEnd{*ctr, *ctr_sock});

    std::string problems;
    for (const DeviceRecord& d : rec.devices) {
        NETDEV_LOG_DEVICE(d.host_name);
        try {
            SearchScope scope{ctr_end ? &*ctr_end : nullptr, true};
            if (return_home(original_of(d), d.addresses, {self, host_sock}, scope))
                audit(d.host_name, "returned", "poststop");
            else
                NETDEV_LOG(warning) << "not found anywhere: a virtual device (veth, macvlan) "
                                       "dies with its container netns";
        } catch (const HookError& e) {
            audit(d.host_name, "failed", std::string("poststop: ") + e.what());
            problems += (problems.empty() ? "" : "; ") + d.host_name + ": " + e.what();
        }
    }
    // Kept while something could not be given back: `status` shows it, a re-run retries.
    if (!problems.empty()) throw HookError(ExitCode::restore_incomplete, problems);
    dir.remove_file(file);
}

}  // namespace netdev
