#include "hooks/cli.hpp"

#include <charconv>
#include <cstdlib>

#include "common/error.hpp"
#include "common/state_dir.hpp"

namespace netdev {
namespace {

[[noreturn]] void usage_error(const std::string& message) {
    throw HookError(ExitCode::invalid_input, message);
}

Stage parse_stage(std::string_view arg) {
    // prestart is the deprecated name of the same moment (runtime-spec config.md "Prestart").
    if (arg == "createRuntime" || arg == "prestart") return Stage::create_runtime;
    if (arg == "createContainer") return Stage::create_container;
    if (arg == "poststop") return Stage::poststop;
    usage_error("stage \"" + std::string(arg) +
                "\": expected createRuntime, prestart, createContainer or poststop "
                "(or the commands check, move)");
}

// Decimal seconds ("8", "2.5"), parsed by hand: std::from_chars for a double is the one
// piece of libstdc++ that needs libm (its rounding mode), a library the hook would otherwise
// load at every start for nothing.
double parse_deadline(const std::string& text) {
    std::size_t dot = text.find('.');
    std::string_view whole = std::string_view(text).substr(0, dot);
    std::string_view fraction =
        dot == std::string::npos ? std::string_view() : std::string_view(text).substr(dot + 1);
    auto digits = [](std::string_view s, std::size_t max) {
        return !s.empty() && s.size() <= max &&
               s.find_first_not_of("0123456789") == std::string_view::npos;
    };
    double seconds = -1;
    if (digits(whole, 4) && (dot == std::string::npos || digits(fraction, 9))) {
        seconds = std::stoi(std::string(whole));
        double scale = 1;
        for (char c : fraction) seconds += (c - '0') / (scale *= 10);
    }
    if (!(seconds > 0) || seconds > 3600)
        usage_error("--deadline \"" + text +
                    "\": expected seconds as digits with an optional fraction (8, 2.5), more "
                    "than 0, at most 3600");
    return seconds;
}

pid_t parse_pid(const std::string& text) {
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc() || end != text.data() + text.size() || pid <= 0)
        usage_error("--pid \"" + text + "\": expected a process id");
    return pid;
}

// Walks argv: options anywhere, positional words in order.
class ArgReader {
  public:
    ArgReader(int argc, const char* const* argv) : argc_(argc), argv_(argv) {}
    bool next() { return ++i_ < argc_; }
    std::string_view arg() const { return argv_[i_]; }
    // "--name=value" or "--name value".
    bool option(std::string_view name, std::string& value) {
        std::string_view a = arg();
        if (a.substr(0, name.size()) != name) return false;
        if (a.size() > name.size() && a[name.size()] == '=') {
            value = a.substr(name.size() + 1);
            return true;
        }
        if (a.size() != name.size()) return false;
        if (i_ + 1 >= argc_) usage_error(std::string(name) + ": missing value");
        value = argv_[++i_];
        return true;
    }

  private:
    int argc_;
    const char* const* argv_;
    int i_ = 0;
};

void take_positional(CliOptions& opts, std::vector<std::string>& words, std::string_view arg) {
    if (words.empty() && opts.command == Command::hook) {
        if (arg == "check") return void(opts.command = Command::check);
        if (arg == "move") return void(opts.command = Command::move);
        if (arg == "status") return void(opts.command = Command::status);
        if (arg == "recover") return void(opts.command = Command::recover);
    }
    words.emplace_back(arg);
}

void finish(CliOptions& opts, std::vector<std::string>& words) {
    switch (opts.command) {
        case Command::hook:
            if (words.size() > 1) usage_error("unexpected argument \"" + words[1] + "\"");
            if (!words.empty()) opts.stage = parse_stage(words[0]);
            break;
        case Command::check:
            if (words.size() > 1) usage_error("check: unexpected argument \"" + words[1] + "\"");
            if (!words.empty()) opts.bundle = words[0];
            if (opts.bundle.empty() && opts.state_file.empty())
                usage_error("check: give a BUNDLE directory or --state FILE");
            break;
        case Command::status:
        case Command::recover:
            if (words.size() > 1)
                usage_error(std::string(opts.command == Command::status ? "status" : "recover") +
                            ": unexpected argument \"" + words[1] + "\"");
            if (!words.empty()) opts.container_id = words[0];
            break;
        case Command::move:
            if (opts.netns_path.empty() == !opts.pid)
                usage_error("move: give exactly one of --netns PATH and --pid PID");
            if (words.empty()) usage_error("move: name at least one HOSTDEV[=NAME]");
            opts.devices = std::move(words);
            break;
    }
}

}  // namespace

CliOptions parse_cli(int argc, const char* const* argv) {
    CliOptions opts;
    const char* env_dir = std::getenv("OCI_NETDEV_HOOK_STATE_DIR");
    opts.state_dir = env_dir && *env_dir ? env_dir : kDefaultStateDir;
    std::vector<std::string> words;
    ArgReader r(argc, argv);
    std::string value;
    while (r.next()) {
        std::string_view arg = r.arg();
        if (arg == "--help" || arg == "-h") {
            opts.help = true;
        } else if (arg == "--version") {
            opts.version = true;
        } else if (r.option("--log-level", value)) {
            auto level = parse_log_level(value);
            if (!level)
                usage_error("--log-level \"" + value +
                            "\": expected trace, debug, info, warning or error");
            opts.log.stderr_level = *level;
        } else if (r.option("--log-file", value)) {
            opts.log.file = value;
        } else if (arg == "--restore") {
            opts.restore = true;
        } else if (r.option("--deadline", value)) {
            opts.deadline_seconds = parse_deadline(value);
        } else if (r.option("--policy", value)) {
            if (value.empty()) usage_error("--policy: empty path");
            opts.policy_path = value;
        } else if (r.option("--sysfs-root", value)) {
            if (value.empty()) usage_error("--sysfs-root: empty path");
            opts.sysfs_root = value;
        } else if (r.option("--native", value)) {
            opts.native = native_mode_from(value);
            if (!opts.native) usage_error("--native \"" + value + "\": expected auto, yes or no");
        } else if (r.option("--runtime", value)) {
            if (value.empty()) usage_error("--runtime: empty path");
            opts.runtime_path = value;
        } else if (r.option("--state-dir", value)) {
            opts.state_dir = value;
        } else if (r.option("--state", value)) {
            opts.state_file = value;
        } else if (r.option("--netns", value)) {
            opts.netns_path = value;
        } else if (r.option("--pid", value)) {
            opts.pid = parse_pid(value);
        } else if (arg.starts_with("-")) {
            usage_error("unknown option \"" + std::string(arg) + "\"");
        } else {
            take_positional(opts, words, arg);
        }
    }
    if (!opts.help && !opts.version) finish(opts, words);
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
    std::string text = R"(Usage: oci-netdev-hook [OPTIONS] [STAGE] < state.json
       oci-netdev-hook [OPTIONS] check BUNDLE | --state FILE
       oci-netdev-hook [OPTIONS] move --netns PATH | --pid PID HOSTDEV[=NAME]...
       oci-netdev-hook [OPTIONS] status [ID]
       oci-netdev-hook [OPTIONS] recover [ID]

An OCI hook that moves the network devices listed in the bundle's config.json
(linux.netDevices, the annotation oci-netdev-hook.devices, or
OCI_NETDEV_HOOK_DEVICES in process.env) into the container's network
namespace, with their addresses, and sets them up. Guardrails refuse the
loopback, netns-local devices, the host's uplinks, bridge ports, lower
devices and more than 16 devices; annotation and env requests also need a
rule of the admin's policy (oci-netdev-hook-policy(5)).

STAGE   createRuntime (or prestart): move the devices.
        createContainer: check they are present and up; moves nothing.
        poststop: forget the container's record; with --restore (or the
        annotation oci-netdev-hook.restore=true), or when createRuntime never
        finished, first give every device back to the host as it was.
        Without STAGE: taken from state.status ("creating"/"created").

check   Dry run: parse and validate BUNDLE/config.json (with --state FILE, the
        state's bundle, pid and annotations), print per device the decision
        and the rule that made it, the plan and what would fail. Changes nothing; the exit code is the one the hook would return.
move    The same move without a runtime, into the netns at PATH or of PID.
status  The records of moved devices (all containers, or ID).
recover Give every recorded device back to the host as it was (for an admin,
        or at boot): all containers that are gone, or ID whatever its state.

Options:
  --log-level LEVEL  trace, debug, info, warning (default), error; to stderr
  --log-file PATH    append timestamped lines (container id, stage, device)
  --policy PATH      the admin policy (default /etc/oci-netdev-hook/policy.json,
                     or $OCI_NETDEV_HOOK_POLICY); must be owned by root and
                     not writable by group or others
  --restore          poststop: give the devices back to the host; createRuntime:
                     keep the container netns until then
  --deadline SECONDS the whole run, rollback included, ends within it (default
                     8; keep it below the runtime's hook timeout)
  --native MODE      auto (default: ask the runtime's `features`), yes or no:
                     whether the runtime moves linux.netDevices itself; then
                     the hook decides, checks and records, and moves nothing
  --runtime PATH     the runtime binary to ask (default: the one running the
                     hook; for check, none unless given)
  --state-dir DIR    records and locks (default /run/oci-netdev-hook, or
                     $OCI_NETDEV_HOOK_STATE_DIR)
  --sysfs-root DIR   read sysfs for pci: and vf: selectors under DIR instead
                     of /sys (a test aid: a fixture tree for machines
                     without SR-IOV NICs)
  --help             this text
  --version          the version

Exit codes:
)";
    for (const ExitCodeInfo& e : exit_codes) {  // the table in common/error.hpp
        text.append("  ").append(std::to_string(static_cast<int>(e.code))).append("  ");
        text.append(e.summary).append("\n");
    }
    return text;
}

}  // namespace netdev
