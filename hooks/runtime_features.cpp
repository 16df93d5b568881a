#include "hooks/runtime_features.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <climits>

#include "common/error.hpp"
#include "common/logging.hpp"
#include "common/path_search.hpp"
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

// A regular file starting with "#!"; never waits (a FIFO there is not a script).
bool starts_with_shebang(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    struct stat st {};
    char head[2] = {};
    return fd && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::read(fd.get(), head, 2) == 2 && head[0] == '#' && head[1] == '!';
}

// The text of a symlink such as /proc/PID/exe; nullopt when it cannot be read.
std::optional<std::string> link_target(const std::string& path) {
    char buf[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
}

// The NUL-separated strings of a /proc/PID file (cmdline, environ); empty when unreadable.
std::vector<std::string> proc_strings(const std::string& file, std::size_t limit) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return {};
    try {
        return split_nul(read_regular_fd_bounded(fd.get(), limit, file));
    } catch (const HookError&) {  // the process exited meanwhile, or it is too long
        return {};
    }
}

// The value of `name` in a /proc/PID/environ file; empty when unreadable or unset.
std::string environ_value(const std::string& environ_file, const std::string& name) {
    for (const std::string& kv : proc_strings(environ_file, 1 << 20))
        if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 &&
            kv[name.size()] == '=')
            return kv.substr(name.size() + 1);
    return {};
}

// argv[0] as the shell resolved it: with a '/', against the process's cwd when relative;
// without, through `path_env` (the shell's default PATH when unset).
std::string resolve_command(const std::string& argv0, const std::string& proc_dir,
                            const std::string& path_env) {
    if (argv0.find('/') != std::string::npos)
        return argv0[0] == '/' ? argv0 : proc_dir + "/cwd/" + argv0;
    return find_in_path(argv0, path_env.empty() ? kDefaultPath : path_env, proc_dir + "/cwd");
}

bool named_like_a_runtime(const std::string& path) {
    std::string base = path.substr(path.rfind('/') + 1);
    for (const char* name : {"runc", "crun", "youki"})
        if (base.find(name) != std::string::npos) return true;
    return false;
}

// What `features` said: its stdout when it exited 0 (`answered`); a failure (it exited
// otherwise: a runtime without the command, `failed`); or no answer in time (`timed_out`).
struct FeaturesAnswer {
    enum { answered, failed, timed_out } outcome = failed;
    std::string out;
};

// `exec_path features` with stdin and stderr on /dev/null, within kFeaturesTimeout.
FeaturesAnswer ask_features(const std::string& exec_path) {
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
        if (left.count() <= 0) break;
        int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;  // never into a read that could block
        if (ready <= 0) break;
        char buf[4096];
        ssize_t n = ::read(out_r.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || out.size() + static_cast<std::size_t>(n) > kMaxFeaturesBytes) {
            complete = n == 0;
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    // A runtime that closed its stdout may still not exit: it gets the time left, then SIGKILL.
    int status = 0;
    pid_t done = 0;
    while (complete && (done = ::waitpid(pid, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < deadline)
        ::usleep(1000);
    if (done <= 0) {
        ::kill(pid, SIGKILL);  // our own child, by pid
        complete = false;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (!complete) return {FeaturesAnswer::timed_out, {}};
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {FeaturesAnswer::failed, {}};
    return {FeaturesAnswer::answered, std::move(out)};
}

std::string cache_name(const struct stat& st) {
    return "runtime-features-" + std::to_string(st.st_dev) + "-" + std::to_string(st.st_ino) + "-" +
           std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + ".features";  // not .json: records are
}

}  // namespace

std::optional<RuntimeBinary> runtime_at(const std::string& path) {
    RuntimeBinary rt{path, path, {}};
    if (::stat(path.c_str(), &rt.identity) != 0 || !S_ISREG(rt.identity.st_mode) ||
        ::access(path.c_str(), X_OK) != 0)
        return std::nullopt;
    return rt;
}

std::optional<RuntimeBinary> runtime_of_process(const std::string& proc_dir,
                                                const std::optional<std::string>& path_env) {
    const std::string exe_link = proc_dir + "/exe";
    std::optional<std::string> exe = link_target(exe_link);
    // 1. The exe link, run through /proc (its path may not be ours to see).
    if (exe && named_like_a_runtime(*exe)) {
        std::optional<RuntimeBinary> rt = runtime_at(exe_link);
        if (rt) rt->label = *exe;
        return rt;
    }
    std::vector<std::string> args = proc_strings(proc_dir + "/cmdline", 1 << 16);
    // 2. The exe link reads "/" (crun 1.27.1: a detached mount of its own binary) or cannot
    // be read: argv[0] names the runtime. What answers `features` is the binary running, which
    // /proc/PID/exe still executes; argv[0] as resolved only when that link is unusable.
    if ((!exe || *exe == "/") && !args.empty() && named_like_a_runtime(args[0])) {
        if (std::optional<RuntimeBinary> rt = runtime_at(exe_link)) {
            rt->label = args[0];
            return rt;
        }
        std::string path = resolve_command(
            args[0], proc_dir, path_env ? *path_env : environ_value(proc_dir + "/environ", "PATH"));
        return path.empty() ? std::nullopt : runtime_at(path);
    }
    // 3. A "#!" script: argv[1] (not an option such as runc's --root), named like a runtime.
    if (args.size() < 2 || args[1].empty() || args[1][0] == '-' || !named_like_a_runtime(args[1]))
        return std::nullopt;
    std::string script = args[1][0] == '/' ? args[1] : proc_dir + "/cwd/" + args[1];
    if (!starts_with_shebang(script)) return std::nullopt;
    return runtime_at(script);
}

std::optional<RuntimeBinary> parent_runtime() {
    // Runtimes pass hooks only the hook's own env (runtime-spec config.md "hooks"): the
    // parent's PATH (read only when needed) is what resolved its argv[0].
    return runtime_of_process("/proc/" + std::to_string(::getppid()), std::nullopt);
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

bool runtime_moves_net_devices(const RuntimeBinary& rt) {
    FeaturesAnswer answer = ask_features(rt.exec_path);
    return answer.outcome == FeaturesAnswer::answered && features_say_net_devices(answer.out);
}

bool runtime_moves_net_devices(const RuntimeBinary& rt, const StateDir& cache) {
    std::string name = cache_name(rt.identity);
    if (std::optional<std::string> cached = cache.read_file(name))
        return features_say_net_devices(*cached);
    FeaturesAnswer answer = ask_features(rt.exec_path);
    if (answer.outcome == FeaturesAnswer::timed_out) {
        // Not the runtime's answer: asked again next time, not cached.
        NETDEV_LOG(warning) << rt.label << " features: no answer within "
                            << kFeaturesTimeout.count() << " s; taken as not moving devices now";
        return false;
    }
    bool moves = answer.outcome == FeaturesAnswer::answered && features_say_net_devices(answer.out);
    NETDEV_LOG(info) << rt.label << (moves ? " moves" : " does not move")
                     << " linux.netDevices itself (its `features`"
                     << (answer.outcome == FeaturesAnswer::failed ? " failed" : "") << ")";
    // Cached as the answer's gist, so a runtime without `features` is not asked every time.
    cache.write_file(name, moves ? R"({"linux":{"netDevices":{"enabled":true}}})" : "{}");
    return moves;
}

}  // namespace netdev
