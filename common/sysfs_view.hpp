#pragma once
// A sysfs of this process's own netns, mounted nowhere: fsopen("sysfs") tags the instance with
// the netns of the caller (docs/kernel-facts.md K16), so class/net lists exactly the devices of
// the netns the hook runs in, whatever /sys was mounted from. The mount is detached (fsmount,
// never attached to a path): no namespace sees it, and it goes with the fd.
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace netdev {

class SysfsView {
  public:
    // nullopt when the kernel has no fsopen (before 5.2: ENOSYS) or refuses it (EPERM under a
    // seccomp filter or without CAP_SYS_ADMIN): the caller asks netlink instead.
    static std::optional<SysfsView> of_current_netns();
    // A directory laid out as sysfs (tests: a fixture tree).
    static std::optional<SysfsView> of_directory(const std::string& path);

    // The names in directory `rel` (relative to the sysfs root); nullopt when it cannot be
    // opened.
    std::optional<std::vector<std::string>> entries(const std::string& rel) const;
    // The decimal integer in file `rel` (an ifindex); nullopt when absent or not a number.
    std::optional<int> read_int(const std::string& rel) const;
    bool exists(const std::string& rel) const;

  private:
    explicit SysfsView(UniqueFd root) : root_(std::move(root)) {}
    UniqueFd root_;
};

}  // namespace netdev
