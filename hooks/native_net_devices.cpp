#include "hooks/native_net_devices.hpp"

#include "common/error.hpp"
#include "common/logging.hpp"
#include "hooks/runtime_features.hpp"
#include "netdev/journal.hpp"
#include "netdev/link.hpp"

namespace netdev {
namespace {

std::optional<RuntimeBinary> runtime_to_ask(const NativeChoice& choice) {
    if (choice.runtime_path.empty()) return choice.detect_parent ? parent_runtime() : std::nullopt;
    std::optional<RuntimeBinary> rt = runtime_at(choice.runtime_path);
    if (!rt)
        throw HookError(ExitCode::invalid_input,
                        "--runtime \"" + choice.runtime_path + "\": not an executable file");
    return rt;
}

const NetDeviceRequest* request_for(const OciConfig& cfg, const DeviceRecord& d) {
    for (const NetDeviceRequest& r : cfg.devices)
        if (r.host_name == d.host.name || (!d.requested.empty() && r.host_name == d.requested))
            return &r;
    return nullptr;
}

}  // namespace

std::optional<std::string> runtime_mover(const OciConfig& cfg, const NativeChoice& choice,
                                         const Policy& policy, const StateDir* cache) {
    NativeMode mode = choice.cli.value_or(policy.native);
    if (mode == NativeMode::no || cfg.source != RequestSource::config) return std::nullopt;
    std::optional<RuntimeBinary> rt = runtime_to_ask(choice);
    if (mode == NativeMode::yes)
        return rt ? rt->label : std::string(choice.cli ? "(--native yes)" : "(policy: native yes)");
    if (!rt) return std::nullopt;
    bool moves = cache ? runtime_moves_net_devices(*rt, *cache) : runtime_moves_net_devices(*rt);
    return moves ? std::optional<std::string>(rt->label) : std::nullopt;
}

void verify_runtime_moved(NetlinkSocket& sock, const OciState& st, const OciConfig& cfg,
                          const StateDir& dir) {
    validate_container_id(st.id);  // names the record
    const std::string file = record_file_name(st.id, st.bundle);
    std::optional<ContainerRecord> rec = read_record(dir, file);
    if (!rec || rec->moved_by.empty()) return;
    std::string steps;
    for (std::size_t i = 0; i < rec->devices.size(); ++i) {
        const DeviceRecord& d = rec->devices[i];
        const NetDeviceRequest* r = request_for(cfg, d);
        if (!r) continue;  // recorded by an earlier run, not asked now
        std::optional<LinkInfo> link = find_link_by_name(sock, r->container_name);
        if (!link || link->identity() != d.host.identity)
            throw HookError(ExitCode::failed_restored,
                            d.host.name + ": " + r->container_name + " in " + sock.netns_label() +
                                " is not the device asked for (MAC " +
                                (link ? mac_text(link->identity()) : "none") + ", expected " +
                                mac_text(d.host.identity) + "); moved by " + rec->moved_by);
        if (d.phase != DevicePhase::configured)
            steps += configured_step(i, link->index, link->name);
        NETDEV_LOG(info) << d.host.name << ": moved by the runtime, present as " << link->name;
    }
    if (!steps.empty()) append_record_steps(dir, file, steps);
}

}  // namespace netdev
