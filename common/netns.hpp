#pragma once
// Network namespaces held by fd (never re-resolved by path or pid once opened), and a guard
// that enters one for the lifetime of a scope, so a socket can be created inside it.
#include <sys/types.h>

#include <string>

#include "common/unique_fd.hpp"

namespace netdev {

struct NetnsId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const NetnsId&) const = default;
};

class Netns {
  public:
    // The netns file at `path` (e.g. /var/run/netns/x or /proc/42/ns/net).
    static Netns open_path(const std::string& path);
    // As above, named `label` in messages.
    static Netns open_path(const std::string& path, const std::string& label);
    // The netns of process `pid`, pinned with a pidfd first so that a pid reused between the
    // lookup and the open cannot hand us another process's namespace.
    static Netns open_pid(pid_t pid);
    // The netns this process runs in.
    static Netns current();

    int fd() const noexcept { return fd_.get(); }
    const NetnsId& id() const noexcept { return id_; }
    // How error messages name this netns: its path, or "host netns".
    const std::string& label() const noexcept { return label_; }

  private:
    Netns(UniqueFd fd, std::string label);
    UniqueFd fd_;
    NetnsId id_;
    std::string label_;
};

// Enters `target` on construction and returns to the netns it came from on destruction.
// The hook is single-threaded; setns() affects only the calling thread.
class NetnsGuard {
  public:
    explicit NetnsGuard(const Netns& target);
    NetnsGuard(const NetnsGuard&) = delete;
    NetnsGuard& operator=(const NetnsGuard&) = delete;
    ~NetnsGuard();

  private:
    UniqueFd origin_;
};

}  // namespace netdev
