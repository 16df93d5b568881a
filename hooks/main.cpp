// oci-netdev-hook: moves linux.netDevices into an OCI container's network namespace.
// The one place where errors are printed: a single line on stderr, and a documented exit code.
#include <unistd.h>

#include <iostream>

#include "common/error.hpp"
#include "common/escape.hpp"
#include "common/interrupts.hpp"
#include "common/logging.hpp"
#include "hooks/cli.hpp"
#include "hooks/poststop.hpp"
#include "hooks/run_hook.hpp"
#include "hooks/version.hpp"

namespace {

int report(netdev::ExitCode code, const std::string& message) {
    // Names and ids in the message come from the request: no control byte reaches a log.
    std::string line = "oci-netdev-hook: error: " + netdev::escape_control(message);
    netdev::log_final_error(line);
    std::cerr << line << std::endl;
    return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace netdev;
    quiet_logging_until_init();
    try {
        CliOptions options = parse_cli(argc, argv);
        if (options.help) {
            std::cout << usage_text();
            return 0;
        }
        if (options.version) {
            std::cout << version_text();
            return 0;
        }
        init_logging(options.log);
        // SIGTERM, SIGINT and the deadline roll back what was done, then exit.
        arm_interrupts(options.deadline_seconds);
        switch (options.command) {
            case Command::hook:
                run_hook(options, STDIN_FILENO);
                break;
            case Command::check:
                run_check(options, std::cout);
                break;
            case Command::move:
                run_move(options);
                break;
            case Command::status:
                run_status(options, std::cout);
                break;
            case Command::recover:
                run_recover(options.container_id, StateDir(options.state_dir), std::cout);
                break;
        }
        return 0;
    } catch (const HookError& e) {
        return report(e.code(), e.what());
    } catch (const std::exception& e) {
        return report(ExitCode::failed_restored, std::string("unexpected: ") + e.what());
    }
}
