#include "tests/support/netns_world.hpp"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

namespace {

std::filesystem::path make_private_dir(const std::string& what) {
    static std::atomic<int> counter{0};
    auto dir =
        std::filesystem::temp_directory_path() /
        ("netdev-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0755);
    return dir;
}

}  // namespace

Bundle::Bundle(const std::string& config_json) : dir_(make_private_dir("test")) {
    std::ofstream(dir_ / "config.json") << config_json;
}

Bundle::~Bundle() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

TestPolicy::TestPolicy(const std::string& json, unsigned mode) : dir_(make_private_dir("policy")) {
    std::ofstream(path()) << json;
    if (::chmod(path().c_str(), mode) != 0) throw std::runtime_error("chmod policy failed");
    ::setenv("OCI_NETDEV_HOOK_POLICY", path().c_str(), 1);
}

TestPolicy::~TestPolicy() {
    ::unsetenv("OCI_NETDEV_HOOK_POLICY");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

SyslogSink::SyslogSink(bool listening) : dir_(make_private_dir("syslog")) {
    // Not listening: a socket bound nowhere, and /dev/log a plain file (connect fails).
    sock_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = (dir_ / "log").string();
    if (!sock_ || path.size() >= sizeof addr.sun_path) throw std::runtime_error("syslog socket");
    path.copy(addr.sun_path, path.size());
    if (!listening)
        std::ofstream(dir_ / "log");
    else if (::bind(sock_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("bind syslog socket failed");
    // Files a private /dev needs when the host has no /dev/log to bind over.
    for (const char* dev : {"null", "zero", "urandom", "full"}) std::ofstream(dir_ / dev);
}

SyslogSink::~SyslogSink() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void SyslogSink::enter() const {
    // The test process's mounts are private already (integration/main.cpp), so this one's
    // /dev/log stays here; but not made private again: the state dir is shared, so that the
    // hook's netns pins in it outlive the hook as they do under a runtime.
    if (::unshare(CLONE_NEWNS) != 0) ::_exit(125);
    std::string log = (dir_ / "log").string();
    struct stat st {};
    if (::lstat("/dev/log", &st) == 0) {
        if (::mount(log.c_str(), "/dev/log", nullptr, MS_BIND, nullptr) != 0) ::_exit(125);
        return;
    }
    // No /dev/log to bind over: a private /dev made of the sink's directory.
    for (const char* dev : {"null", "zero", "urandom", "full"}) {
        std::string src = std::string("/dev/") + dev, dst = (dir_ / dev).string();
        if (::mount(src.c_str(), dst.c_str(), nullptr, MS_BIND, nullptr) != 0) ::_exit(125);
    }
    if (::mount(dir_.c_str(), "/dev", nullptr, MS_BIND, nullptr) != 0) ::_exit(125);
}

void SyslogSink::drain(std::string& out) const {
    char buf[8192];
    for (;;) {
        ssize_t n = ::recv(sock_.get(), buf, sizeof buf, 0);
        if (n < 0) return;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.empty() || out.back() != '\n') out += '\n';
    }
}

std::string Bundle::state(pid_t pid, const std::string& status,
                          const std::string& annotations_json) const {
    return R"({"ociVersion":"1.2.0","id":")" + id() + R"(","status":")" + status + R"(","pid":)" +
           std::to_string(pid) + R"(,"bundle":")" + dir_.string() + R"(","annotations":)" +
           annotations_json + "}";
}

HookProcess start_hook_binary(const TestNetns& where, const std::string& state,
                              const std::vector<std::string>& args, bool syslog_listening) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    UniqueFd in_r(in[0]), in_w(in[1]), out_r(out[0]), out_w(out[1]), err_r(err[0]), err_w(err[1]);
    auto sink = std::make_unique<SyslogSink>(syslog_listening);
    pid_t pid = spawn_in(where.netns(), [&] {
        sink->enter();
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
    return {pid, std::move(out_r), std::move(err_r), std::move(sink)};
}

HookResult finish_hook_binary(HookProcess& p) {
    HookResult r{};
    // Read all three as they come: a hook blocked on a full syslog queue never exits.
    std::string* texts[] = {&r.stdout_text, &r.stderr_text};
    pollfd fds[] = {
        {p.out.get(), POLLIN, 0}, {p.err.get(), POLLIN, 0}, {p.syslog->fd(), POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (::poll(fds, 3, -1) < 0 && errno != EINTR) throw std::runtime_error("poll failed");
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !fds[i].revents) continue;
            char buf[4096];
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0 && texts[i]->size() < (1 << 20))
                texts[i]->append(buf, static_cast<std::size_t>(n));
            else if (n <= 0 && !(n < 0 && errno == EINTR))
                fds[i].fd = -1;
        }
        p.syslog->drain(r.syslog_text);
    }
    r.exit_code = wait_status(p.pid);
    p.syslog->drain(r.syslog_text);
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
