// Selectors resolved against real links in a private host netns: MAC and altname on veths,
// PCI and VF through a sysfs fixture tree whose net/<name> entries are those veths.
#include <filesystem>

#include "common/error.hpp"
#include "netdev/selector.hpp"
#include "tests/integration/world.hpp"

using namespace netdev;
using namespace netdev::test;
namespace fs = std::filesystem;

namespace {

// A sysfs tree as an SR-IOV NIC shows it: PF pf0 at 0000:3b:00.0 with VFs 0..2 at
// 0000:3b:02.{0,1,2}; VF0's netdev is vf0, VF1 is bound to vfio-pci (no netdev), VF2 is not
// bound. Removed on destruction.
struct SysfsFixture {
    fs::path root = fs::temp_directory_path() / ("netdev-sysfs-" + std::to_string(::getpid()));
    SysfsFixture() {
        fs::path pci = root / "bus/pci/devices";
        fs::create_directories(pci / "0000:3b:00.0/net/pf0");
        fs::create_directories(pci / "0000:3b:02.0/net/vf0");
        fs::create_directories(pci / "0000:3b:02.1");
        fs::create_directories(pci / "0000:3b:02.2");
        fs::create_directories(root / "bus/pci/drivers/vfio-pci");
        fs::create_directory_symlink("../../../bus/pci/drivers/vfio-pci",
                                     pci / "0000:3b:02.1/driver");
        for (int vf = 0; vf < 3; ++vf)
            fs::create_directory_symlink("../0000:3b:02." + std::to_string(vf),
                                         pci / "0000:3b:00.0" / ("virtfn" + std::to_string(vf)));
        fs::create_directories(root / "class/net/pf0");
        fs::create_directory_symlink("../../../bus/pci/devices/0000:3b:00.0",
                                     root / "class/net/pf0/device");
    }
    ~SysfsFixture() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

std::string refusal(World& w, const std::string& requested, const fs::path& root) {
    NetlinkSocket sock = w.host.socket();
    try {
        LinkInfo l = resolve_selector(sock, requested, root);
        return "resolved to " + l.name;
    } catch (const HookError& e) {
        CHECK(e.code() == ExitCode::refused);
        return e.what();
    }
}

}  // namespace

TEST_CASE("mac: finds the device by its current MAC, in any case") {
    World w;
    w.veth("v0");
    w.veth("v1");
    w.host.sh("ip link set v0 address 02:42:ac:11:00:02");
    NetlinkSocket sock = w.host.socket();
    LinkInfo l = resolve_selector(sock, "mac:02:42:AC:11:00:02");
    CHECK(l.name == "v0");
    CHECK(l.index == find_link_by_name(sock, "v0")->index);
    CHECK(refusal(w, "mac:02:42:ac:11:00:09", "/sys") ==
          "mac:02:42:ac:11:00:09: no device with this MAC in host netns");
}

TEST_CASE("mac: shared by a bridge and its port is ambiguous and says which devices") {
    World w;
    w.veth("v0");
    w.host.sh(
        "ip link set v0 address 02:42:ac:11:00:02 && ip link add br0 type bridge && "
        "ip link set br0 address 02:42:ac:11:00:02");
    CHECK(refusal(w, "mac:02:42:ac:11:00:02", "/sys") ==
          "mac:02:42:ac:11:00:02: several devices have this MAC (br0, v0)");
}

TEST_CASE("an altname resolves to the device and its kernel name") {
    World w;
    w.veth("v0");
    w.host.sh("ip link property add dev v0 altname uplink0");
    NetlinkSocket sock = w.host.socket();
    CHECK(resolve_selector(sock, "uplink0").name == "v0");
    CHECK(refusal(w, "nosuch0", "/sys") == "nosuch0: no such device in host netns");
}

TEST_CASE("pci: finds the network device of a PCI function in sysfs") {
    World w;
    w.veth("vf0");
    SysfsFixture sysfs;
    NetlinkSocket sock = w.host.socket();
    LinkInfo l = resolve_selector(sock, "pci:0000:3b:02.0", sysfs.root);
    CHECK(l.name == "vf0");
    CHECK(l.mac == find_link_by_name(sock, "vf0")->mac);
    CHECK(resolve_selector(sock, "pci:3b:02.0", sysfs.root).name == "vf0");
}

TEST_CASE("pci: without a network device says why, naming the selector") {
    World w;
    SysfsFixture sysfs;
    CHECK(refusal(w, "pci:0000:3b:02.1", sysfs.root) ==
          "pci:0000:3b:02.1: no network device; is it bound to vfio-pci? (driver vfio-pci)");
    CHECK(refusal(w, "pci:0000:3b:02.2", sysfs.root) ==
          "pci:0000:3b:02.2: no network device; is it bound to vfio-pci? (no driver bound)");
    CHECK(contains(refusal(w, "pci:0000:3b:07.0", sysfs.root),
                   "pci:0000:3b:07.0: no such PCI function ("));
    // In sysfs but not in this netns (moved away, or another netns's sysfs).
    CHECK(refusal(w, "pci:0000:3b:02.0", sysfs.root) ==
          "pci:0000:3b:02.0: its network device vf0 is not in host netns");
}

TEST_CASE("vf: finds virtual function N of a PF, the PF named by name or altname") {
    World w;
    w.veth("pf0");
    w.veth("vf0");
    w.host.sh("ip link property add dev pf0 altname uplink-port-0");
    SysfsFixture sysfs;
    NetlinkSocket sock = w.host.socket();
    CHECK(resolve_selector(sock, "vf:pf0/0", sysfs.root).name == "vf0");
    CHECK(resolve_selector(sock, "vf:uplink-port-0/0", sysfs.root).name == "vf0");
    CHECK(refusal(w, "vf:pf0/1", sysfs.root) ==
          "vf:pf0/1: no network device; is it bound to vfio-pci? (driver vfio-pci)");
    CHECK(contains(refusal(w, "vf:pf0/5", sysfs.root), "vf:pf0/5: pf0 has no virtual function 5"));
    CHECK(refusal(w, "vf:nopf/0", sysfs.root) == "vf:nopf/0: no device nopf in host netns");
}
