// Selectors resolved against real links in a private host netns: MAC and altname on veths,
// PCI and VF through a sysfs fixture tree whose net/<name> entries are those veths.
#include <filesystem>
#include <fstream>

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
        for (const auto& [dev, function] :
             {std::pair{"pf0", "0000:3b:00.0"}, {"vf0", "0000:3b:02.0"}}) {
            fs::create_directories(root / "class/net" / dev);
            fs::create_directory_symlink(std::string("../../../bus/pci/devices/") + function,
                                         root / "class/net" / dev / "device");
        }
        fs::create_directory_symlink("../0000:3b:00.0", pci / "0000:3b:02.0/physfn");
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

namespace {

const char* kAllowAll = R"({"allow": [{"devices": ["*"]}]})";

std::string annotated(const std::string& devices) {
    return R"({"annotations":{"oci-netdev-hook.devices":")" + devices +
           R"("},"linux":{"namespaces":[{"type":"network"}]}})";
}

}  // namespace

TEST_CASE("devices named by pci: and mac: in the annotation move; without =NAME the host name") {
    World w;
    TestPolicy policy(kAllowAll);
    SysfsFixture sysfs;
    w.configured_veth("vf0", 2);
    w.configured_veth("v1", 3);
    w.host.sh("ip link set v1 address 02:42:ac:11:00:02");
    Bundle b(annotated("pci:0000:3b:02.0 mac:02:42:ac:11:00:02=net2"));
    HookResult r = w.hook(b, {"--sysfs-root", sysfs.root.string(), "createRuntime"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("vf0").addresses.size() == 3);
    CHECK(w.in_container("net2").up);
    CHECK(link_names(w.host) == std::vector<std::string>{"v1p", "vf0p"});
    // The record keeps the selector next to the host name the device comes home under.
    HookResult status = w.hook(b, {"status", b.id()});
    CHECK(contains(status.stdout_text, "vf0 [pci:0000:3b:02.0] (ifindex"));
    CHECK(contains(status.stdout_text, "v1 [mac:02:42:ac:11:00:02] (ifindex"));
}

TEST_CASE("a selector that names no device is refused before anything changes, naming it") {
    World w;
    TestPolicy policy(kAllowAll);
    SysfsFixture sysfs;
    w.configured_veth("v0", 2);
    Bundle b(annotated("v0=c0 pci:0000:3b:02.1=net1"));
    HookResult r = w.hook(b, {"--sysfs-root", sysfs.root.string(), "createRuntime"});
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text,
                   "pci:0000:3b:02.1: no network device; is it bound to vfio-pci? (driver "
                   "vfio-pci)"));
    CHECK(w.on_host("v0").addresses.size() == 3);
    CHECK(link_names(w.container).empty());
}

TEST_CASE(
    "a malformed selector is invalid input naming the entry; linux.netDevices keys are names") {
    World w;
    TestPolicy policy(kAllowAll);
    Bundle bad(annotated("pci:3b:02=net1"));
    HookResult r = w.hook(bad);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text, R"(["pci:3b:02"]: selector "pci:3b:02": expected pci:DOMAIN)"));
    Bundle in_config(config_with(R"({"pci:0000:3b:02.0":{"name":"net1"}})"));
    r = w.hook(in_config);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.stderr_text, R"(linux.netDevices["pci:0000:3b:02.0"]: host name)"));
    CHECK(contains(r.stderr_text, "selectors such as pci:... go in the annotation or the env"));
}

TEST_CASE("move and check take selectors too") {
    World w;
    TestPolicy policy(kAllowAll);
    SysfsFixture sysfs;
    w.veth("pf0");
    w.configured_veth("vf0", 2);
    w.configured_veth("v1", 3);
    w.host.sh("ip link set v1 address 02:42:ac:11:00:05");
    Bundle b(annotated("vf:pf0/0=net1"));
    std::string state_file = (b.dir() / "state.json").string();
    w.host.sh("printf '%s' '" + b.state(w.init.pid()) + "' > " + state_file);
    HookResult dry = run_hook_binary(
        w.host, "", {"check", "--sysfs-root", sysfs.root.string(), "--state", state_file});
    CHECK_MESSAGE(dry.exit_code == 0, dry.stderr_text);
    CHECK(contains(dry.stdout_text, "vf:pf0/0 -> net1"));        // the request
    CHECK(contains(dry.stdout_text, "vf0: allowed by policy"));  // resolved
    CHECK(contains(dry.stdout_text, "vf0 (ifindex "));
    CHECK(link_names(w.container).empty());

    HookResult r =
        run_hook_binary(w.host, "",
                        {"move", "--sysfs-root", sysfs.root.string(), "--pid",
                         std::to_string(w.init.pid()), "vf:pf0/0=net1", "mac:02:42:ac:11:00:05"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(link_names(w.container) == std::vector<std::string>{"net1", "v1"});
}

TEST_CASE("a host link's selectors: its MAC, PCI function and VF number") {
    World w;
    w.veth("pf0");
    w.veth("vf0");
    w.host.sh("ip link set vf0 address 02:42:ac:11:00:07");
    SysfsFixture sysfs;
    NetlinkSocket sock = w.host.socket();
    CHECK(selectors_of(*find_link_by_name(sock, "vf0"), sysfs.root) ==
          std::vector<std::string>{"mac:02:42:ac:11:00:07", "pci:0000:3b:02.0", "vf:pf0/0"});
    std::vector<std::string> pf = selectors_of(*find_link_by_name(sock, "pf0"), sysfs.root);
    CHECK(pf.back() == "pci:0000:3b:00.0");                                         // a PF: no vf:
    CHECK(selectors_of(*find_link_by_name(sock, "pf0p"), sysfs.root).size() == 1);  // mac only
}

TEST_CASE("a policy allows a device by its PCI address, though it is requested by name") {
    World w;
    SysfsFixture sysfs;
    w.configured_veth("vf0", 2);
    w.configured_veth("v1", 3);
    TestPolicy by_pci(R"({"allow": [{"devices": ["pci:0000:3b:02.*"]}]})");
    std::vector<std::string> args{"--sysfs-root", sysfs.root.string(), "createRuntime"};
    Bundle not_pci(annotated("v1=c1"));
    HookResult r = w.hook(not_pci, args);
    CHECK(r.exit_code == 3);
    CHECK(contains(r.stderr_text, "v1: refused: no rule of"));
    Bundle by_name(annotated("vf0=net1"));
    r = w.hook(by_name, args);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("net1").up);
}

TEST_CASE("a policy allows the VFs of a PF") {
    World w;
    SysfsFixture sysfs;
    w.veth("pf0");
    w.configured_veth("vf0", 2);
    TestPolicy by_pf(R"({"allow": [{"devices": ["vf:pf0/*"]}]})");
    Bundle b(annotated("vf:pf0/0=net2"));
    HookResult r = w.hook(b, {"--sysfs-root", sysfs.root.string(), "createRuntime"});
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("net2").up);
}

TEST_CASE("a sysfs entry whose ifindex is not the host link's is not taken for it") {
    World w;
    w.veth("vf0");
    SysfsFixture sysfs;
    NetlinkSocket sock = w.host.socket();
    LinkInfo vf0 = *find_link_by_name(sock, "vf0");
    fs::path pci_entry = sysfs.root / "bus/pci/devices/0000:3b:02.0/net/vf0/ifindex";
    std::ofstream(pci_entry) << vf0.index + 100 << "\n";  // another netns's vf0
    CHECK(refusal(w, "pci:0000:3b:02.0", sysfs.root) ==
          "pci:0000:3b:02.0: its network device vf0 is not in host netns");
    std::ofstream(sysfs.root / "class/net/vf0/ifindex") << vf0.index + 100 << "\n";
    CHECK(selectors_of(vf0, sysfs.root).size() == 1);  // its MAC only
    std::ofstream(pci_entry) << vf0.index << "\n";
    CHECK(resolve_selector(sock, "pci:0000:3b:02.0", sysfs.root).index == vf0.index);
}
