#include "hooks/cli.hpp"

#include "common/error.hpp"

namespace netdev {
namespace {

Stage parse_stage(std::string_view arg) {
    // prestart is the deprecated name of the same moment (runtime-spec config.md "Prestart").
    if (arg == "createRuntime" || arg == "prestart") return Stage::create_runtime;
    if (arg == "createContainer") return Stage::create_container;
    if (arg == "poststop") return Stage::poststop;
    throw HookError(ExitCode::invalid_input,
                    "stage \"" + std::string(arg) +
                        "\": expected createRuntime, prestart, createContainer or poststop");
}

// "--name=value" or "--name value".
std::string option_value(std::string_view arg, std::string_view name, int& i, int argc,
                         const char* const* argv) {
    if (arg.size() > name.size() && arg[name.size()] == '=')
        return std::string(arg.substr(name.size() + 1));
    if (i + 1 >= argc)
        throw HookError(ExitCode::invalid_input, std::string(name) + ": missing value");
    return argv[++i];
}

bool is_option(std::string_view arg, std::string_view name) {
    return arg.substr(0, name.size()) == name &&
           (arg.size() == name.size() || arg[name.size()] == '=');
}

}  // namespace

CliOptions parse_cli(int argc, const char* const* argv) {
    CliOptions opts;
    bool have_stage = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            opts.help = true;
        } else if (arg == "--version") {
            opts.version = true;
        } else if (is_option(arg, "--log-level")) {
            std::string v = option_value(arg, "--log-level", i, argc, argv);
            auto level = parse_log_level(v);
            if (!level)
                throw HookError(
                    ExitCode::invalid_input,
                    "--log-level \"" + v + "\": expected trace, debug, info, warning or error");
            opts.log.stderr_level = *level;
        } else if (is_option(arg, "--log-file")) {
            opts.log.file = option_value(arg, "--log-file", i, argc, argv);
        } else if (arg.starts_with("-")) {
            throw HookError(ExitCode::invalid_input, "unknown option \"" + std::string(arg) + "\"");
        } else if (have_stage) {
            throw HookError(ExitCode::invalid_input,
                            "unexpected argument \"" + std::string(arg) + "\"");
        } else {
            opts.stage = parse_stage(arg);
            have_stage = true;
        }
    }
    return opts;
}

const char* stage_name(Stage stage) {
    switch (stage) {
        case Stage::create_runtime:
            return "createRuntime";
        case Stage::create_container:
            return "createContainer";
        case Stage::poststop:
            return "poststop";
        default:
            return "from-state";
    }
}

std::string usage_text() {
    return R"(Usage: oci-netdev-hook [OPTIONS] [STAGE] < state.json

An OCI hook that moves the network devices listed in the bundle's config.json
(linux.netDevices, or the annotation oci-netdev-hook.devices) into the
container's network namespace, with their addresses, and sets them up.

STAGE   createRuntime (or prestart): move the devices.
        createContainer: check they are present and up; moves nothing.
        poststop: accepted; does nothing yet.
        Without STAGE: taken from state.status ("creating"/"created").

Options:
  --log-level LEVEL  trace, debug, info, warning (default), error; to stderr
  --log-file PATH    append timestamped lines (container id, stage, device)
  --help             this text
  --version          the version

Exit codes: 0 done or nothing to do; 1 failed, all devices restored;
2 invalid input; 3 refused by a pre-check, nothing changed;
4 failed AND a device could not be restored (the message names it).
)";
}

}  // namespace netdev
