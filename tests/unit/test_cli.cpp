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
