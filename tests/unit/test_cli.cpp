#include <doctest/doctest.h>

#include <vector>

#include "common/error.hpp"
#include "hooks/cli.hpp"

using namespace netdev;

namespace {
CliOptions parse(std::vector<const char*> args) {
    args.insert(args.begin(), "oci-netdev-hook");
    return parse_cli(static_cast<int>(args.size()), args.data());
}
}  // namespace

TEST_CASE("stages and their deprecated alias") {
    CHECK(parse({}).stage == Stage::from_state);
    CHECK(parse({"createRuntime"}).stage == Stage::create_runtime);
    CHECK(parse({"prestart"}).stage == Stage::create_runtime);
    CHECK(parse({"createContainer"}).stage == Stage::create_container);
    CHECK(parse({"poststop"}).stage == Stage::poststop);
}

TEST_CASE("log options in both spellings") {
    CliOptions a = parse({"--log-level=debug", "--log-file", "/tmp/x.log", "createRuntime"});
    CHECK(a.log.stderr_level == LogSeverity::debug);
    CHECK(a.log.file == "/tmp/x.log");
    CHECK(parse({"--log-level", "error"}).log.stderr_level == LogSeverity::error);
    CHECK(parse({}).log.stderr_level == LogSeverity::warning);
}

TEST_CASE("bad arguments are refused with exit code 2, naming the argument") {
    struct Row {
        std::vector<const char*> args;
        std::string named;
    };
    for (const Row& row : std::initializer_list<Row>{
             {{"startContainer"}, "startContainer"},
             {{"--log-level=loud"}, "loud"},
             {{"--log-file"}, "--log-file"},
             {{"--frobnicate"}, "--frobnicate"},
             {{"createRuntime", "extra"}, "extra"},
             {{"--deadline", "0"}, "--deadline \"0\""},
             {{"--deadline=soon"}, "soon"},
             {{"--deadline=1e3"}, "1e3"},
             {{"--deadline=2."}, "\"2.\""},
             {{"--deadline=-1"}, "-1"},
             {{"--deadline=3600.5"}, "3600.5"},
             {{"recover", "a", "b"}, "\"b\""},
         }) {
        CAPTURE(row.named);
        try {
            parse(row.args);
            FAIL("accepted");
        } catch (const HookError& e) {
            CHECK(e.code() == ExitCode::invalid_input);
            CHECK(std::string(e.what()).find(row.named) != std::string::npos);
        }
    }
}

TEST_CASE("check takes a bundle or a state file") {
    CliOptions a = parse({"check", "/run/bundle"});
    CHECK(a.command == Command::check);
    CHECK(a.bundle == "/run/bundle");
    CliOptions b = parse({"check", "--state", "/tmp/state.json"});
    CHECK(b.state_file == "/tmp/state.json");
    CHECK_THROWS_AS(parse({"check"}), HookError);
}

TEST_CASE("move takes exactly one target and at least one device") {
    CliOptions a = parse({"move", "--netns=/var/run/netns/x", "eth1=c1", "eth2"});
    CHECK(a.command == Command::move);
    CHECK(a.netns_path == "/var/run/netns/x");
    CHECK(a.devices == std::vector<std::string>{"eth1=c1", "eth2"});
    CHECK(parse({"move", "--pid", "42", "eth1"}).pid == 42);
    CHECK_THROWS_AS(parse({"move", "eth1"}), HookError);
    CHECK_THROWS_AS(parse({"move", "--pid", "42", "--netns", "/x", "eth1"}), HookError);
    CHECK_THROWS_AS(parse({"move", "--pid", "42"}), HookError);
    CHECK_THROWS_WITH_AS(parse({"move", "--pid", "4x", "eth1"}),
                         "--pid \"4x\": expected a process id", HookError);
}

TEST_CASE("--policy names the policy file for the hook, check and move") {
    CHECK(parse({"--policy", "/etc/p.json", "createRuntime"}).policy_path == "/etc/p.json");
    CHECK(parse({"check", "--policy=/p.json", "/bundle"}).policy_path == "/p.json");
    CHECK(parse({}).policy_path.empty());  // then $OCI_NETDEV_HOOK_POLICY, then the default
    try {
        parse({"--policy="});
        FAIL("no error");
    } catch (const HookError& e) {
        CHECK(e.code() == ExitCode::invalid_input);
    }
    CHECK(usage_text().find("--policy PATH") != std::string::npos);
}

TEST_CASE("recover takes an optional container id; the deadline defaults below hooks.d's 10 s") {
    CliOptions a = parse({"recover"});
    CHECK(a.command == Command::recover);
    CHECK(a.container_id.empty());
    CHECK(parse({"recover", "c1"}).container_id == "c1");
    CHECK(parse({}).deadline_seconds == 8);
    CHECK(parse({"--deadline", "2.5", "createRuntime"}).deadline_seconds == 2.5);
    CHECK(parse({"--deadline", "0.25", "createRuntime"}).deadline_seconds == 0.25);
    CHECK(parse({"--deadline", "3600", "createRuntime"}).deadline_seconds == 3600);
}

TEST_CASE("--native auto|yes|no and --runtime PATH") {
    CHECK_FALSE(parse({}).native);
    CHECK(parse({"--native", "yes", "createRuntime"}).native == NativeMode::yes);
    CHECK(parse({"--native=no"}).native == NativeMode::no);
    CHECK(parse({"--native", "auto"}).native == NativeMode::detect);
    CHECK_THROWS_WITH_AS(parse({"--native", "sometimes"}),
                         doctest::Contains("--native \"sometimes\": expected auto, yes or no"),
                         HookError);
    CHECK(parse({"--runtime", "/usr/bin/crun", "check", "/b"}).runtime_path == "/usr/bin/crun");
    CHECK_THROWS_WITH_AS(parse({"--runtime", ""}), doctest::Contains("--runtime: empty path"),
                         HookError);
}
