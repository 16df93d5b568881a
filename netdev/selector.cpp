#include "netdev/selector.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "common/device_selector.hpp"
#include "common/error.hpp"
#include "common/read_file.hpp"

namespace netdev {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& requested, const std::string& why) {
    throw HookError(ExitCode::refused, requested + ": " + why);
}

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

// The names under DIR/net (a PCI function's network devices), sorted.
std::vector<std::string> net_names(const fs::path& function) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(function / "net", ec))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Why a PCI function has no network device: the driver it is bound to, if any.
std::string no_netdev_hint(const fs::path& function) {
    std::error_code ec;
    fs::path driver = fs::read_symlink(function / "driver", ec);
    std::string bound = ec ? "no driver bound" : "driver " + driver.filename().string();
    return "no network device; is it bound to vfio-pci? (" + bound + ")";
}

// Whether sysfs's `netdir` (.../net/NAME) is the link of ifindex `index`: a sysfs mounted
// from another netns lists that netns's devices, which may share names with ours. Fixture
// trees without an ifindex file are taken at their word.
bool same_device(const fs::path& netdir, int index) {
    std::error_code ec;
    if (!fs::exists(netdir / "ifindex", ec)) return true;
    try {
        return std::stoi(read_file_bounded((netdir / "ifindex").string(), 32)) == index;
    } catch (const std::exception&) {
        return false;
    }
}

// The one network device of a PCI function, looked up in the host netns.
LinkInfo link_of_function(NetlinkSocket& host, const std::string& requested,
                          const fs::path& function) {
    std::vector<std::string> names = net_names(function);
    if (names.empty()) refuse(requested, no_netdev_hint(function));
    if (names.size() > 1)
        refuse(requested, "several network devices (" + joined(names) + "); name one of them");
    std::optional<LinkInfo> link = find_link_by_name(host, names.front());
    if (!link || !same_device(function / "net" / names.front(), link->index))
        refuse(requested,
               "its network device " + names.front() + " is not in " + host.netns_label());
    return *link;
}

LinkInfo by_pci(NetlinkSocket& host, const DeviceSelector& sel, const fs::path& root) {
    fs::path function = root / "bus/pci/devices" / sel.pci;
    std::error_code ec;
    if (!fs::exists(function, ec))
        refuse(sel.text, "no such PCI function (" + function.string() + ")");
    return link_of_function(host, sel.text, function);
}

LinkInfo by_vf(NetlinkSocket& host, const DeviceSelector& sel, const fs::path& root) {
    std::optional<LinkInfo> pf = find_link_by_name(host, sel.pf);
    if (!pf) refuse(sel.text, "no device " + sel.pf + " in " + host.netns_label());
    fs::path device = root / "class/net" / pf->name / "device";
    fs::path function = device / ("virtfn" + std::to_string(sel.vf));
    std::error_code ec;
    if (!fs::exists(function, ec))
        refuse(sel.text, pf->name + " has no virtual function " + std::to_string(sel.vf) + " (" +
                             function.string() + ")");
    return link_of_function(host, sel.text, function);
}

// The link whose permanent MAC is `mac`, else the one whose current MAC is (a bridge can
// share its port's current MAC: then the selector is ambiguous and says so).
LinkInfo by_mac(NetlinkSocket& host, const DeviceSelector& sel) {
    std::vector<LinkInfo> perm, current;
    for (LinkInfo& l : list_links(host)) {
        if (l.perm_mac == sel.mac)
            perm.push_back(l);
        else if (l.mac == sel.mac)
            current.push_back(l);
    }
    std::vector<LinkInfo>& found = perm.empty() ? current : perm;
    if (found.empty()) refuse(sel.text, "no device with this MAC in " + host.netns_label());
    if (found.size() > 1) {
        std::vector<std::string> names;
        for (const LinkInfo& l : found) names.push_back(l.name);
        std::sort(names.begin(), names.end());
        refuse(sel.text, "several devices have this MAC (" + joined(names) + ")");
    }
    return found.front();
}

// N when `function` is the virtfnN of `pf`, else -1.
int vf_number(const fs::path& pf, const fs::path& function) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(pf, ec)) {
        std::string name = e.path().filename().string();
        if (name.starts_with("virtfn") &&
            fs::read_symlink(e.path(), ec).filename() == function.filename())
            return std::stoi(name.substr(6));
    }
    return -1;
}

}  // namespace

std::vector<std::string> selectors_of(const LinkInfo& link, const std::string& sysfs_root) {
    std::vector<std::string> out;
    for (const auto* mac : {&link.mac, &link.perm_mac})
        if (mac->size() == 6 && (out.empty() || out.back() != "mac:" + mac_text(*mac)))
            out.push_back("mac:" + mac_text(*mac));
    // No `device` link, no PCI function or VF: one lookup says so, and the rest (below)
    // would end at the same answer. Most devices moved are veths and macvlans, and the first
    // walk of sysfs through std::filesystem was a tenth of a run for them.
    std::string link_path = sysfs_root + "/class/net/" + link.name + "/device";
    if (::faccessat(AT_FDCWD, link_path.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) != 0) return out;
    std::error_code ec;
    fs::path netdir = fs::path(sysfs_root) / "class/net" / link.name;
    if (!same_device(netdir, link.index)) return out;
    fs::path device = netdir / "device";
    fs::path function = fs::read_symlink(device, ec).filename();
    if (ec || !fs::exists(fs::path(sysfs_root) / "bus/pci/devices" / function, ec)) return out;
    out.push_back("pci:" + function.string());
    fs::path pf = device / "physfn";
    std::vector<std::string> pf_names = net_names(pf);
    if (int n = vf_number(pf, function); n >= 0 && pf_names.size() == 1)
        out.push_back("vf:" + pf_names.front() + "/" + std::to_string(n));
    return out;
}

LinkInfo resolve_selector(NetlinkSocket& host, const std::string& requested,
                          const std::string& sysfs_root) {
    if (!is_selector(requested)) {
        std::optional<LinkInfo> link = find_link_by_name(host, requested);
        if (!link) refuse(requested, "no such device in " + host.netns_label());
        return *link;
    }
    DeviceSelector sel = parse_selector(requested);
    switch (sel.kind) {
        case DeviceSelector::Kind::pci:
            return by_pci(host, sel, sysfs_root);
        case DeviceSelector::Kind::vf:
            return by_vf(host, sel, sysfs_root);
        case DeviceSelector::Kind::mac:
            break;
    }
    return by_mac(host, sel);
}

}  // namespace netdev
