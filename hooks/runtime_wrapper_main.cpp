// oci-netdev-runtime: runc's stand-in for Docker and containerd. Adds oci-netdev-hook to
// config.json on `create` and `run` when the container asks for devices, then becomes the real
// runtime (exec, same arguments). Everything else goes straight to the real runtime.
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "hooks/runtime_wrapper.hpp"
#include "hooks/runtime_wrapper_os.hpp"

namespace {
using namespace netdev;

void add_hook_if_asked(const RuntimeCommand& cmd, const WrapperSettings& settings) {
    // runtime-spec bundle.md: config.json at the bundle's root; runc's default is the cwd.
    std::string path = (cmd.bundle.empty() ? std::string(".") : cmd.bundle) + "/config.json";
    std::optional<std::string> text =
        add_hook_to_config(read_file_bounded(path, kMaxConfigBytes), settings);
    if (text) replace_file_atomically(path, *text);
}

// containerd and Docker quote the last error of the runtime's JSON log ("OCI runtime create
// failed: ..."), so the reason goes there too, in runc's format.
int report(const RuntimeCommand& cmd, ExitCode code, const std::string& message) {
    std::string line = "oci-netdev-runtime: error: " + message;
    std::cerr << line << std::endl;
    if (!cmd.log_file.empty() && cmd.log_format == "json") {
        char when[32];
        std::time_t now = std::time(nullptr);
        std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
        std::ofstream(cmd.log_file, std::ios::app)
            << boost::json::serialize(
                   boost::json::object{{"level", "error"}, {"msg", line}, {"time", when}})
            << "\n";
    }
    return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
    RuntimeCommand cmd;
    try {
        cmd = parse_runtime_command(std::vector<std::string>(argv + 1, argv + argc));
        WrapperSettings settings = load_wrapper_settings();
        if (cmd.command == "create" || cmd.command == "run") add_hook_if_asked(cmd, settings);
        std::string real = find_real_runtime(settings.runtime);
        argv[0] = real.data();
        ::execv(real.c_str(), argv);
        throw_errno(ExitCode::failed_restored, "exec " + real, errno);
    } catch (const HookError& e) {
        return report(cmd, e.code(), e.what());
    } catch (const std::exception& e) {
        return report(cmd, ExitCode::failed_restored, std::string("unexpected: ") + e.what());
    }
}
