// The audit trail in the system log: who took which device, when, and when it came back.
// Each hook runs with a private /dev/log (tests/support: SyslogSink).
#include <fstream>
#include <sstream>

#include "tests/integration/world.hpp"

using namespace netdev::test;

TEST_CASE("a move and its give-back are in the system log with the container id") {
    World w;
    w.configured_veth("v0", 2);
    std::string path = "/proc/" + std::to_string(w.init.pid()) + "/ns/net";
    Bundle b(config_with(R"({"v0":{"name":"ctr0"}})", path));
    HookResult moved = w.hook(b);
    REQUIRE_MESSAGE(moved.exit_code == 0, moved.stderr_text);
    CHECK_MESSAGE(contains(moved.syslog_text, "oci-netdev-hook: audit: container=" + b.id() +
                                                  " source=config device=v0 decision=moved "
                                                  "rule=\"trusted source config, as ctr0\""),
                  moved.syslog_text);
    CHECK(moved.stderr_text.empty());  // the audit is not the runtime's business

    HookResult back = run_hook_binary(w.host, b.state(0, "stopped"), {"--restore", "poststop"});
    CHECK_MESSAGE(back.exit_code == 0, back.stderr_text);
    CHECK_MESSAGE(contains(back.syslog_text, "container=" + b.id() +
                                                 " source=record device=v0 decision=returned "
                                                 "rule=poststop"),
                  back.syslog_text);
}

TEST_CASE("a host without a system log listener still moves the device") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{}})"));
    HookResult r = run_hook_binary(w.host, b.state(w.init.pid()), {"createRuntime"}, false);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(w.in_container("v0").up);
}

TEST_CASE("the log file escapes control characters like stderr and the system log") {
    World w;
    Bundle b(config_with(R"({"v\u0001\u001b[31m":{}})"));
    std::string log = b.dir().string() + "/hook.log";
    HookResult r = w.hook(b, {"--log-file", log, "createRuntime"});
    CHECK(r.exit_code == 3);
    std::stringstream text;
    text << std::ifstream(log).rdbuf();
    CHECK_MESSAGE(contains(text.str(), "v\\x01\\x1b[31m: no such device"), text.str());
    CHECK(text.str().find('\x1b') == std::string::npos);
    CHECK(contains(r.syslog_text, "oci-netdev-hook: error: v\\x01\\x1b[31m: no such device"));
}
