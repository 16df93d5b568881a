#include "hooks/runtime_features.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <climits>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/read_file.hpp"
#include "common/unique_fd.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxFeaturesBytes = 1 << 20;
constexpr auto kFeaturesTimeout = std::chrono::seconds(5);

std::vector<std::string> split_nul(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\0', start);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool starts_with_shebang(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    char head[2] = {};
    return fd && ::read(fd.get(), head, 2) == 2 && head[0] == '#' && head[1] == '!';
}

std::string link_target(const std::string& path) {
    char buf[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    return n < 0 ? path : std::string(buf, static_cast<std::size_t>(n));
}

bool named_like_a_runtime(const std::string& path) {
    std::string base = path.substr(path.rfind('/') + 1);
    for (const char* name : {"runc", "crun", "youki"})
        if (base.find(name) != std::string::npos) return true;
    return false;
}

// `exec_path features` with stdin and stderr on /dev/null; its stdout when it exits 0 in time.
std::optional<std::string> ask_features(const std::string& exec_path) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw_errno(ExitCode::failed_restored, "pipe", errno);
    UniqueFd out_r(p[0]), out_w(p[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno(ExitCode::failed_restored, "fork", errno);
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        ::dup2(out_w.get(), STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::execl(exec_path.c_str(), exec_path.c_str(), "features", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    out_w.reset();
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + kFeaturesTimeout;
    bool complete = false;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd pfd{out_r.get(), POLLIN, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) == 0) break;
        char buf[4096];
        ssize_t n = ::read(out_r.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || out.size() + static_cast<std::size_t>(n) > kMaxFeaturesBytes) {
            complete = n == 0;
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    if (!complete) ::kill(pid, SIGKILL);  // our own child, by pid
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!complete || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
    return out;
}

std::string cache_name(const struct stat& st) {
    return "runtime-features-" + std::to_string(st.st_dev) + "-" + std::to_string(st.st_ino) + "-" +
           std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + ".features";  // not .json: records are
}

}  // namespace

std::optional<RuntimeBinary> parent_runtime() {
    std::string proc = "/proc/" + std::to_string(::getppid());
    std::vector<std::string> args = split_nul(read_file_bounded(proc + "/cmdline", 1 << 16));
    RuntimeBinary rt;
    // The kernel runs "#!" scripts as INTERPRETER SCRIPT ARGS (binfmt_script).
    if (args.size() >= 2 && !args[1].empty() && args[1][0] != '-') {
        std::string script = args[1][0] == '/' ? args[1] : proc + "/cwd/" + args[1];
        if (starts_with_shebang(script)) rt.exec_path = rt.label = script;
    }
    if (rt.exec_path.empty()) {
        rt.exec_path = proc + "/exe";
        rt.label = link_target(rt.exec_path);
    }
    if (!named_like_a_runtime(rt.label)) return std::nullopt;
    if (::stat(rt.exec_path.c_str(), &rt.identity) != 0) return std::nullopt;
    return rt;
}

bool features_say_net_devices(const std::string& features_json) {
    json::error_code ec;
    json::value v = json::parse(features_json, ec);
    if (ec || !v.is_object()) return false;
    const json::value* linux_obj = v.get_object().if_contains("linux");
    const json::value* nd = linux_obj && linux_obj->is_object()
                                ? linux_obj->get_object().if_contains("netDevices")
                                : nullptr;
    const json::value* enabled =
        nd && nd->is_object() ? nd->get_object().if_contains("enabled") : nullptr;
    return enabled && enabled->is_bool() && enabled->get_bool();
}

bool runtime_moves_net_devices(const RuntimeBinary& rt, const StateDir& cache) {
    std::string name = cache_name(rt.identity);
    if (std::optional<std::string> cached = cache.read_file(name))
        return features_say_net_devices(*cached);
    std::optional<std::string> answer = ask_features(rt.exec_path);
    bool moves = answer && features_say_net_devices(*answer);
    NETDEV_LOG(info) << rt.label << (moves ? " moves" : " does not move")
                     << " linux.netDevices itself (its `features`)";
    // Cached as the answer's gist, so a runtime without `features` is not asked every time.
    cache.write_file(name, moves ? R"({"linux":{"netDevices":{"enabled":true}}})" : "{}");
    return moves;
}

}  // namespace netdev
