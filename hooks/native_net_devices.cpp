#include "hooks/native_net_devices.hpp"

#include <boost/json.hpp>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "hooks/runtime_features.hpp"
#include "netdev/link.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

// Not .json: `status` lists the records, and this is not one.
std::string note_name(const std::string& container_id) {
    return container_id + ".native";
}

json::object note_device(const NetDeviceRequest& r, const LinkInfo& link) {
    json::array identity;
    for (std::uint8_t b : link.identity()) identity.emplace_back(b);
    return {{"host_name", r.host_name}, {"name", r.container_name}, {"identity", identity}};
}

std::vector<std::uint8_t> identity_of(const json::value& device) {
    std::vector<std::uint8_t> out;
    for (const json::value& b : device.at("identity").as_array())
        out.push_back(static_cast<std::uint8_t>(b.to_number<int>()));
    return out;
}

}  // namespace

void forget_runtime_note(const std::string& container_id, const StateDir& dir) {
    dir.remove_file(note_name(container_id));
}

bool leave_to_runtime(const OciConfig& cfg, const OciState& st, const Netns& target,
                      const StateDir& dir, const std::function<void()>& authorize) {
    if (cfg.source != RequestSource::config) return false;
    std::optional<RuntimeBinary> rt = parent_runtime();
    if (!rt || !runtime_moves_net_devices(*rt, dir)) return false;
    authorize();
    NetlinkSocket host = NetlinkSocket::open_in(Netns::current());
    NetlinkSocket container = NetlinkSocket::open_in(target);
    json::array devices;
    for (const NetDeviceRequest& r : cfg.devices) {
        // runc and crun have moved it already; youki moves it after this hook.
        std::optional<LinkInfo> link = find_link_by_name(host, r.host_name);
        if (!link) link = find_link_by_name(container, r.container_name);
        if (!link)
            throw HookError(ExitCode::refused, r.host_name + ": neither on the host nor as " +
                                                   r.container_name + " in " + target.label() +
                                                   " (left to " + rt->label + ")");
        devices.push_back(note_device(r, *link));
    }
    dir.write_file(note_name(st.id),
                   json::serialize(json::object{{"runtime", rt->label}, {"devices", devices}}));
    NETDEV_LOG(info) << "linux.netDevices left to " << rt->label << ", which moves them itself";
    return true;
}

void verify_runtime_moved(NetlinkSocket& sock, const std::string& container_id,
                          const StateDir& dir) {
    validate_container_id(container_id);  // names the note
    std::optional<std::string> text = dir.read_file(note_name(container_id));
    if (!text) return;
    json::value note = json::parse(*text);
    for (const json::value& d : note.at("devices").as_array()) {
        std::string host_name(d.at("host_name").as_string());
        std::string name(d.at("name").as_string());
        std::optional<LinkInfo> link = find_link_by_name(sock, name);
        std::vector<std::uint8_t> wanted = identity_of(d);
        if (!link || link->identity() != wanted)
            throw HookError(ExitCode::failed_restored,
                            host_name + ": " + name + " in " + sock.netns_label() +
                                " is not the device asked for (MAC " +
                                (link ? mac_text(link->identity()) : "none") + ", expected " +
                                mac_text(wanted) + "); moved by " +
                                std::string(note.at("runtime").as_string()));
        NETDEV_LOG(info) << host_name << ": moved by the runtime, present as " << name;
    }
    dir.remove_file(note_name(container_id));
}

}  // namespace netdev
