#pragma once
// The world of one integration test: a simulated host netns with veth devices, a container
// netns with a process parked in it (its pid goes into the OCI state), a bundle.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/netns_world.hpp"

namespace netdev::test {

struct World {
    TestNetns host{"host netns"};
    TestNetns container{"container netns"};
    ParkedProcess init{container};

    // A veth `name` on the host with its peer `name`p up, so IPv6 DAD can finish.
    void veth(const std::string& name) const {
        host.sh("ip link add " + name + " type veth peer name " + name + "p && ip link set " +
                name + "p up");
    }
    // A veth carrying IPv4 (with broadcast) and IPv6 (one nodad, one with DAD), up, MTU 1400.
    void configured_veth(const std::string& name, int n) const {
        veth(name);
        std::string i = std::to_string(n);
        host.sh("ip link set " + name + " mtu 1400 up && ip addr add 192.0." + i +
                ".1/24 brd 192.0." + i + ".255 dev " + name + " && ip -6 addr add 2001:db8:" + i +
                "::1/64 dev " + name + " nodad && ip -6 addr add 2001:db8:" + i + ":1::1/64 dev " +
                name);
    }
    HookResult hook(const Bundle& bundle,
                    const std::vector<std::string>& args = {"createRuntime"}) const {
        return run_hook_binary(host, bundle.state(init.pid()), args);
    }
    DeviceView on_host(const std::string& name) const {
        auto v = view_device(host, name);
        REQUIRE_MESSAGE(v, name << " not on the host");
        return *v;
    }
    DeviceView in_container(const std::string& name) const {
        auto v = view_device(container, name);
        REQUIRE_MESSAGE(v, name << " not in the container");
        return *v;
    }
};

// Exactly one line on stderr.
inline bool one_line(const HookResult& r) {
    return !r.stderr_text.empty() && r.stderr_text.find('\n') == r.stderr_text.size() - 1;
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A config.json with a private netns and the given linux.netDevices JSON object.
inline std::string config_with(const std::string& net_devices, const std::string& ns_path = "") {
    std::string ns = ns_path.empty() ? R"({"type":"network"})"
                                     : R"({"type":"network","path":")" + ns_path + R"("})";
    return R"({"ociVersion":"1.2.0","linux":{"namespaces":[{"type":"mount"},)" + ns +
           R"(],"netDevices":)" + net_devices + "}}";
}

}  // namespace netdev::test
