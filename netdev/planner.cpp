#include "netdev/planner.hpp"

#include <set>

#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "common/ifname.hpp"
#include "common/logging.hpp"

namespace netdev {
namespace {

[[noreturn]] void refuse(const std::string& device, const std::string& why) {
    throw HookError(ExitCode::refused, device + ": " + why);
}

// A container name that is free, or a reason it is not. Templates are the kernel's to place.
void check_name_free(const DeviceMove& move, LinkLookup& container) {
    const std::string& host = move.request.host_name;
    const std::string& wanted = move.request.container_name;
    if (!is_name_template(wanted)) {
        if (auto clash = container.find(wanted))
            refuse(host, "name " + wanted + " already exists in " + container.netns_label() +
                             " (ifindex " + std::to_string(clash->index) + ")");
    }
    // Altnames move with the device and must be unique there too (docs/kernel-facts.md K7).
    for (const std::string& alt : move.host_link.altnames)
        if (container.find(alt))
            refuse(host, "its altname " + alt + " already exists in " + container.netns_label());
}

}  // namespace

void validate_requests(const std::vector<NetDeviceRequest>& requests, const std::string& source) {
    std::set<std::string> targets;
    for (const NetDeviceRequest& r : requests) {
        std::string entry = source + "[\"" + r.host_name + "\"]";
        if (is_selector(r.host_name)) {
            try {
                parse_selector(r.host_name);  // resolved later, once (netdev/selector.hpp)
            } catch (const HookError& e) {
                throw e.prefixed(entry);
            }
            if (r.container_name == r.host_name) continue;  // its host name, known once resolved
        } else if (auto why = host_ifname_problem(r.host_name))
            throw HookError(ExitCode::invalid_input,
                            entry + ": host name \"" + r.host_name + "\" " + *why);
        else if (is_name_template(r.host_name))
            throw HookError(ExitCode::invalid_input,
                            entry + ": a host device name cannot be a template");
        if (auto why = ifname_problem(r.container_name))
            throw HookError(ExitCode::invalid_input,
                            entry + ".name: \"" + r.container_name + "\" " + *why);
        if (!is_name_template(r.container_name) && !targets.insert(r.container_name).second)
            throw HookError(ExitCode::invalid_input,
                            entry + ".name: \"" + r.container_name +
                                "\" is the container name of another entry too");
    }
}

MovePlan plan_moves(const std::vector<ResolvedDevice>& devices, LinkLookup& container,
                    const MovedEvidence& moved_here) {
    MovePlan plan;
    std::set<int> indexes;
    for (const ResolvedDevice& d : devices) {
        const NetDeviceRequest& r = d.request;
        if (!d.host_link) {
            if (!d.already_moved) refuse(r.host_name, "no such device in host netns");
            // Done already only for the very device asked for, not any link that happens to
            // have its container name (CNI's eth0).
            std::optional<LinkInfo> there = container.find(r.container_name);
            if (!there || !moved_here || !moved_here(r, *there))
                refuse(r.host_name, "no such device in host netns (" + r.container_name + " in " +
                                        container.netns_label() +
                                        " is not it: no record of this hook moving it there)");
            NETDEV_LOG(info) << r.host_name << ": already in " << container.netns_label() << " as "
                             << r.container_name << ", nothing to do";
            plan.already_moved.push_back(r);
            continue;
        }
        const LinkInfo& link = *d.host_link;
        if (!indexes.insert(link.index).second)
            refuse(r.requested.empty() ? r.host_name : r.requested,
                   "names the same device (ifindex " + std::to_string(link.index) +
                       ") as another entry");
        plan.moves.push_back({r, link});
        check_name_free(plan.moves.back(), container);
    }
    return plan;
}

MovePlan plan_moves(const std::vector<NetDeviceRequest>& requests, LinkLookup& host,
                    LinkLookup& container, const MovedEvidence& moved_here) {
    return plan_moves(resolve_all(requests, host, container), container, moved_here);
}

}  // namespace netdev
