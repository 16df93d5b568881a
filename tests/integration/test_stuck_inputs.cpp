// Inputs that would make the hook wait forever: a FIFO where config.json or the netns file
// should be, a stdin that is never closed. The hook gives up with one line and its documented
// exit code, and the host device is untouched.
#include <sys/stat.h>

#include "tests/integration/world.hpp"

using namespace netdev::test;

namespace {

void make_fifo(const std::filesystem::path& path) {
    std::filesystem::remove(path);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
}

}  // namespace

TEST_CASE("a FIFO as config.json is refused (exit 2) naming it, not waited on") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    make_fifo(b.dir() / "config.json");
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r));
    CHECK(contains(r.stderr_text,
                   (b.dir() / "config.json").string() + " is a FIFO, not a regular file"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}

TEST_CASE("a FIFO as the config's netns path is refused (exit 3) naming it, not waited on") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle fifo_holder("{}");
    std::filesystem::path fifo = fifo_holder.dir() / "netns";
    make_fifo(fifo);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})", fifo.string()));
    HookResult r = w.hook(b);
    CHECK(r.exit_code == 3);
    CHECK(one_line(r));
    CHECK(contains(r.stderr_text, fifo.string() + " is not a namespace file"));
    CHECK(w.on_host("v0") == before);
}

TEST_CASE("a complete state on a stdin that stays open is read at its closing brace") {
    World w;
    w.configured_veth("v0", 2);
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    // The whole state is written, but the write end stays open: no EOF ever comes (issue 17).
    HookProcess p = start_hook_binary(w.host, b.state(w.init.pid()), {"createRuntime"}, true, true);
    HookResult r = finish_hook_binary(p);
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(link_names(w.container) == std::vector<std::string>{"c0"});
    CHECK(w.in_container("c0").addresses.size() == 3);  // IPv4, IPv6 nodad, IPv6
}

TEST_CASE("a state on stdin that never completes is given up on (exit 2, \"state on stdin\")") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    std::string state = b.state(w.init.pid());
    state.resize(state.rfind('}'));  // all but the closing brace, the pipe left open
    HookProcess p = start_hook_binary(w.host, state, {"createRuntime"}, true, true);
    HookResult r = finish_hook_binary(p);
    CHECK(r.exit_code == 2);
    CHECK(one_line(r));
    CHECK(contains(r.stderr_text, "state on stdin: no end of input within 5 s"));
    CHECK(w.on_host("v0") == before);
    CHECK(link_names(w.container).empty());
}

TEST_CASE("data after the state's JSON value is refused (exit 2), whitespace is not") {
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    for (bool open : {false, true}) {
        CAPTURE(open);
        HookProcess p = start_hook_binary(w.host, b.state(w.init.pid()) + "\n{\"id\":\"x\"}",
                                          {"createRuntime"}, true, open);
        HookResult r = finish_hook_binary(p);
        CHECK(r.exit_code == 2);
        CHECK(one_line(r));
        CHECK(contains(r.stderr_text, "state on stdin: trailing data after the JSON value"));
        CHECK(w.on_host("v0") == before);
    }
    HookResult r = run_hook_binary(w.host, b.state(w.init.pid()) + " \r\n\t\n");
    CHECK_MESSAGE(r.exit_code == 0, r.stderr_text);
    CHECK(link_names(w.container) == std::vector<std::string>{"c0"});
}

TEST_CASE("a FIFO as --log-file is refused (exit 2) naming it, not waited on") {
    // Found by probing: opening a FIFO with no reader for writing blocked past --deadline.
    World w;
    w.configured_veth("v0", 2);
    DeviceView before = w.on_host("v0");
    Bundle b(config_with(R"({"v0":{"name":"c0"}})"));
    std::filesystem::path fifo = b.dir() / "log.fifo";
    make_fifo(fifo);
    HookResult r = w.hook(b, {"--deadline", "2", "--log-file", fifo.string(), "createRuntime"});
    CHECK(r.exit_code == 2);
    CHECK(one_line(r));
    CHECK_MESSAGE(
        contains(r.stderr_text, "--log-file " + fifo.string() + ": a FIFO, not a regular file"),
        r.stderr_text);
    CHECK(w.on_host("v0") == before);
}
