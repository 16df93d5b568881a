#include "tests/support/netns_world.hpp"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/read_file.hpp"
#include "common/unique_fd.hpp"

namespace netdev::test {
namespace {

Netns make_anonymous_netns(const std::string& label) {
    Netns origin = Netns::current();
    if (::unshare(CLONE_NEWNET) != 0) throw std::runtime_error("unshare(CLONE_NEWNET) failed");
    Netns fresh = Netns::open_path("/proc/thread-self/ns/net", label);
    if (::setns(origin.fd(), CLONE_NEWNET) != 0) std::abort();
    return fresh;
}

// Forks a child that enters `where` and runs `exec_child`; returns the child's pid.
template <typename F>
pid_t spawn_in(const Netns& where, F exec_child) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (::setns(where.fd(), CLONE_NEWNET) != 0) ::_exit(126);
        exec_child();
        ::_exit(127);
    }
    return pid;
}

int wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

bool can_create_netns() {
    if (::geteuid() != 0) return false;
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(::unshare(CLONE_NEWNET) == 0 ? 0 : 1);
    return pid > 0 && wait_status(pid) == 0;
}

TestNetns::TestNetns(const std::string& label) : netns_(make_anonymous_netns(label)) {}

int TestNetns::sh_status(const std::string& command) const {
    pid_t pid = spawn_in(netns_, [&] {
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    });
    return wait_status(pid);
}

void TestNetns::sh(const std::string& command) const {
    int rc = sh_status(command);
    if (rc != 0)
        throw std::runtime_error("in " + netns_.label() + ": `" + command + "` exited " +
                                 std::to_string(rc));
}

ParkedProcess::ParkedProcess(const TestNetns& where)
    : pid_(spawn_in(where.netns(),
                    [] { ::execl("/bin/sleep", "sleep", "3600", static_cast<char*>(nullptr)); })) {
    // Until the child's setns() is done, /proc/PID/ns/net is this process's own netns (the
    // machine's): a hook given this pid then would move test devices there.
    std::string ns = "/proc/" + std::to_string(pid_) + "/ns/net";
    for (;;) {
        struct stat st {};
        if (::stat(ns.c_str(), &st) == 0 && st.st_dev == where.netns().id().dev &&
            st.st_ino == where.netns().id().ino)
            return;
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_)
            throw std::runtime_error("parked process died");
        ::usleep(1000);
    }
}

void ParkedProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait_status(pid_);
    pid_ = -1;
}

Bundle::Bundle(const std::string& config_json) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("netdev-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "config.json") << config_json;
}

Bundle::~Bundle() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string Bundle::state(pid_t pid, const std::string& status,
                          const std::string& annotations_json) const {
    return R"({"ociVersion":"1.2.0","id":")" + id() + R"(","status":")" + status + R"(","pid":)" +
           std::to_string(pid) + R"(,"bundle":")" + dir_.string() + R"(","annotations":)" +
           annotations_json + "}";
}

HookProcess start_hook_binary(const TestNetns& where, const std::string& state,
                              const std::vector<std::string>& args) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    UniqueFd in_r(in[0]), in_w(in[1]), out_r(out[0]), out_w(out[1]), err_r(err[0]), err_w(err[1]);
    pid_t pid = spawn_in(where.netns(), [&] {
        ::dup2(in_r.get(), STDIN_FILENO);
        ::dup2(out_w.get(), STDOUT_FILENO);
        ::dup2(err_w.get(), STDERR_FILENO);
        std::vector<const char*> argv{NETDEV_HOOK_BINARY};
        for (const auto& a : args) argv.push_back(a.c_str());
        argv.push_back(nullptr);
        ::execv(NETDEV_HOOK_BINARY, const_cast<char* const*>(argv.data()));
    });
    // The state fits the pipe buffer (64 KiB), so writing before reading cannot deadlock.
    if (::write(in_w.get(), state.data(), state.size()) != static_cast<ssize_t>(state.size()))
        throw std::runtime_error("write state failed");
    return {pid, std::move(out_r), std::move(err_r)};
}

HookResult finish_hook_binary(HookProcess& p) {
    HookResult r;
    r.stdout_text = read_fd_bounded(p.out.get(), 1 << 20, "hook stdout");
    r.stderr_text = read_fd_bounded(p.err.get(), 1 << 20, "hook stderr");
    r.exit_code = wait_status(p.pid);
    return r;
}

std::optional<DeviceView> view_device(const TestNetns& where, const std::string& name) {
    NetlinkSocket sock = where.socket();
    std::optional<LinkInfo> link = find_link_by_name(sock, name);
    if (!link) return std::nullopt;
    DeviceView v{link->name, link->up(), link->mtu, link->mac, {}};
    for (AddressRecord& a : dump_addresses(sock, link->index, link->name)) {
        if (a.scope == RT_SCOPE_LINK) continue;  // fe80:: comes and goes with the link
        a.flags &= ~static_cast<std::uint32_t>(IFA_F_TENTATIVE);  // DAD in progress or not
        v.addresses.push_back(a.describe());
    }
    std::sort(v.addresses.begin(), v.addresses.end());
    return v;
}

std::vector<std::string> link_names(const TestNetns& where) {
    NetlinkSocket sock = where.socket();
    std::vector<std::string> names;
    for (const LinkInfo& l : list_links(sock))
        if (l.name != "lo") names.push_back(l.name);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace netdev::test
