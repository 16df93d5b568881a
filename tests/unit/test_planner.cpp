#include <doctest/doctest.h>

#include <map>

#include "common/error.hpp"
#include "netdev/planner.hpp"

using namespace netdev;

namespace {

// A netns as a table of links; lookups also match altnames, as the kernel's do (K7).
class TableLookup final : public LinkLookup {
  public:
    explicit TableLookup(std::string label) : label_(std::move(label)) {}
    TableLookup& add(const std::string& name, int index, std::vector<std::string> alts = {}) {
        LinkInfo l;
        l.name = name;
        l.index = index;
        l.altnames = std::move(alts);
        links_.push_back(l);
        return *this;
    }
    std::optional<LinkInfo> find(const std::string& name) override {
        for (const LinkInfo& l : links_) {
            if (l.name == name) return l;
            for (const auto& a : l.altnames)
                if (a == name) return l;
        }
        return std::nullopt;
    }
    const std::string& netns_label() const override { return label_; }

  private:
    std::string label_;
    std::vector<LinkInfo> links_;
};

std::vector<NetDeviceRequest> reqs(std::initializer_list<std::pair<const char*, const char*>> l) {
    std::vector<NetDeviceRequest> out;
    for (auto [h, c] : l) out.push_back({h, c});
    return out;
}

template <typename F>
HookError error_of(F f) {
    try {
        f();
    } catch (const HookError& e) {
        return e;
    }
    FAIL("no error");
    return HookError(ExitCode::ok, "");
}

bool contains(const HookError& e, const std::string& part) {
    return std::string(e.what()).find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("valid requests pass validation") {
    CHECK_NOTHROW(validate_requests(reqs({{"eth1", "c1"}, {"eth2", "eth%d"}, {"eth3", "eth%d"}}),
                                    "linux.netDevices"));
}

TEST_CASE("validation names the entry and the bad value") {
    auto bad_host = error_of([] { validate_requests(reqs({{"a:b", "c"}}), "linux.netDevices"); });
    CHECK(bad_host.code() == ExitCode::invalid_input);
    // Kernel names have no ':': a word with one is a selector, and "a:" is no kind of selector.
    CHECK(contains(bad_host, R"(linux.netDevices["a:b"]: selector "a:b": expected a device name)"));

    auto bad_target = error_of([] {
        validate_requests(reqs({{"eth0", "averyveryverylongname"}}), "linux.netDevices");
    });
    CHECK(contains(bad_target, R"(linux.netDevices["eth0"].name: "averyveryverylongname" is 21)"));

    auto host_template = error_of([] {
        validate_requests(reqs({{"eth%d", "c"}}), "linux.netDevices");
    });
    CHECK(contains(host_template, "cannot be a template"));
}

TEST_CASE("two entries with one container name are refused") {
    auto e = error_of([] { validate_requests(reqs({{"eth1", "c0"}, {"eth2", "c0"}}), "src"); });
    CHECK(e.code() == ExitCode::invalid_input);
    CHECK(contains(e, R"(src["eth2"].name: "c0" is the container name of another entry)"));
}

TEST_CASE("a plan lists every device in config order") {
    TableLookup host("host"), ctr("ctr");
    host.add("eth1", 5).add("eth2", 6);
    MovePlan plan = plan_moves(reqs({{"eth2", "b"}, {"eth1", "a"}}), host, ctr);
    REQUIRE(plan.moves.size() == 2);
    CHECK(plan.moves[0].host_link.index == 6);
    CHECK(plan.moves[1].request.container_name == "a");
}

TEST_CASE("a missing host device is refused") {
    TableLookup host("host"), ctr("ctr");
    auto e = error_of([&] { plan_moves(reqs({{"eth9", "c"}}), host, ctr); });
    CHECK(e.code() == ExitCode::refused);
    CHECK(contains(e, "eth9: no such device in host"));
}

TEST_CASE("a device gone from the host is done when the evidence shows it is in the container") {
    TableLookup host("host"), ctr("ctr");
    ctr.add("c1", 7);
    auto evidence = [](const NetDeviceRequest& r, const LinkInfo& l) {
        return r.host_name == "eth1" && l.index == 7;
    };
    MovePlan plan = plan_moves(reqs({{"eth1", "c1"}}), host, ctr, evidence);
    CHECK(plan.moves.empty());
    REQUIRE(plan.already_moved.size() == 1);
}

TEST_CASE("a link with the target name is not taken for the missing device without evidence") {
    TableLookup host("host"), ctr("ctr");
    ctr.add("eth0", 3);  // CNI's eth0, say
    auto e = error_of([&] { plan_moves(reqs({{"ens5f0v3", "eth0"}}), host, ctr); });
    CHECK(e.code() == ExitCode::refused);
    CHECK(contains(e, "ens5f0v3: no such device in host netns (eth0 in ctr is not it"));
    auto no = [](const NetDeviceRequest&, const LinkInfo&) { return false; };
    CHECK_THROWS(plan_moves(reqs({{"ens5f0v3", "eth0"}}), host, ctr, no));
}

TEST_CASE("a taken container name is refused unless it is a template") {
    TableLookup host("host"), ctr("ctr");
    host.add("eth1", 5);
    ctr.add("c1", 2).add("eth0", 3);
    auto e = error_of([&] { plan_moves(reqs({{"eth1", "c1"}}), host, ctr); });
    CHECK(e.code() == ExitCode::refused);
    CHECK(contains(e, "eth1: name c1 already exists in ctr"));
    CHECK_NOTHROW(plan_moves(reqs({{"eth1", "eth%d"}}), host, ctr));
}

TEST_CASE("an altname that exists in the container is refused") {
    TableLookup host("host"), ctr("ctr");
    host.add("eth1", 5, {"enp3s0"});
    ctr.add("enp3s0", 2);
    auto e = error_of([&] { plan_moves(reqs({{"eth1", "c1"}}), host, ctr); });
    CHECK(contains(e, "its altname enp3s0 already exists"));
}

TEST_CASE("two names of one device are refused") {
    TableLookup host("host"), ctr("ctr");
    host.add("eth1", 5, {"enp3s0"});
    auto e = error_of([&] { plan_moves(reqs({{"eth1", "a"}, {"enp3s0", "b"}}), host, ctr); });
    CHECK(contains(e, "enp3s0: names the same device (ifindex 5)"));
}
