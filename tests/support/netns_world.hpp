#pragma once
// Private worlds for integration tests: anonymous network namespaces held only by fds (so
// nothing outlives the test process, even on a crash), commands run inside them, processes
// parked in them, and the hook binary run the way a runtime runs it.
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/netns.hpp"
#include "common/unique_fd.hpp"
#include "netdev/address.hpp"
#include "netdev/link.hpp"

namespace netdev::test {

// True when this process may create network namespaces (root, or CAP_SYS_ADMIN).
bool can_create_netns();

class TestNetns {
  public:
    explicit TestNetns(const std::string& label);
    const Netns& netns() const { return netns_; }
    // Runs `sh -c command` inside; fails the test on a non-zero exit.
    void sh(const std::string& command) const;
    // Runs `sh -c command` inside, returning its exit code.
    int sh_status(const std::string& command) const;
    NetlinkSocket socket() const { return NetlinkSocket::open_in(netns_); }

  private:
    Netns netns_;
};

// A process sleeping in a netns, killed (by pid) and reaped on destruction.
class ParkedProcess {
  public:
    explicit ParkedProcess(const TestNetns& where);
    ParkedProcess(const ParkedProcess&) = delete;
    ParkedProcess& operator=(const ParkedProcess&) = delete;
    ~ParkedProcess() { stop(); }
    // Kills and reaps it now (its netns dies with it unless held elsewhere). Idempotent.
    void stop();
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_;
};

// A policy file for the hook (root-owned, `mode`, in a private temp dir), named by
// $OCI_NETDEV_HOOK_POLICY while it lives; unset and removed on destruction.
class TestPolicy {
  public:
    explicit TestPolicy(const std::string& json, unsigned mode = 0644);
    TestPolicy(const TestPolicy&) = delete;
    TestPolicy& operator=(const TestPolicy&) = delete;
    ~TestPolicy();
    std::string path() const { return (dir_ / "policy.json").string(); }

  private:
    std::filesystem::path dir_;
};

// A bundle directory with a config.json, removed on destruction.
class Bundle {
  public:
    explicit Bundle(const std::string& config_json);
    ~Bundle();
    const std::filesystem::path& dir() const { return dir_; }
    // The OCI state a runtime would pass; the container id is the bundle's directory name.
    std::string state(pid_t pid, const std::string& status = "creating",
                      const std::string& annotations_json = "{}") const;
    std::string id() const { return dir_.filename().string(); }

  private:
    std::filesystem::path dir_;
};

struct HookResult {
    int exit_code;
    std::string stderr_text;
    std::string stdout_text;
    std::string syslog_text;  // what the hook sent to /dev/log, one line per datagram
};

// A unix datagram socket in a private directory, standing in for /dev/log: the hook runs in
// its own mount namespace with this socket bind-mounted there (the real /dev/log is never
// touched; on a host without one, a private /dev holds it).
class SyslogSink {
  public:
    // listening false: /dev/log is a plain file nobody reads (a host without syslog).
    explicit SyslogSink(bool listening = true);
    SyslogSink(const SyslogSink&) = delete;
    SyslogSink& operator=(const SyslogSink&) = delete;
    ~SyslogSink();
    // In a forked child, before exec: private mounts, this socket on /dev/log.
    void enter() const;
    int fd() const { return sock_.get(); }
    // Appends every datagram waiting to `out`, one line each.
    void drain(std::string& out) const;

  private:
    std::filesystem::path dir_;
    UniqueFd sock_;
};

// The built oci-netdev-hook started inside `where` with `state` on stdin, as a runtime does.
struct HookProcess {
    pid_t pid;
    UniqueFd out, err;
    std::unique_ptr<SyslogSink> syslog;
};
HookProcess start_hook_binary(const TestNetns& where, const std::string& state,
                              const std::vector<std::string>& args = {"createRuntime"},
                              bool syslog_listening = true);
// Waits for it. Output must stay small (stdout is read to the end before stderr).
HookResult finish_hook_binary(HookProcess& p);
inline HookResult run_hook_binary(const TestNetns& where, const std::string& state,
                                  const std::vector<std::string>& args = {"createRuntime"},
                                  bool syslog_listening = true) {
    HookProcess p = start_hook_binary(where, state, args, syslog_listening);
    return finish_hook_binary(p);
}

// What a user checks with `ip address show`: name, admin state, MTU, MAC, addresses.
struct DeviceView {
    std::string name;
    bool up = false;
    std::uint32_t mtu = 0;
    std::vector<std::uint8_t> mac;
    std::vector<std::string> addresses;  // describe() of each, sorted, tentative flag cleared
    bool operator==(const DeviceView&) const = default;
};

std::optional<DeviceView> view_device(const TestNetns& where, const std::string& name);
// Names of every link in `where` but lo, sorted.
std::vector<std::string> link_names(const TestNetns& where);

}  // namespace netdev::test
