#pragma once
// The sysfs of this process's own netns, mounted nowhere: fsopen("sysfs") picks the sysfs of
// the caller's netns (docs/kernel-facts.md K16; the netns's superblock when one exists), so
// class/net lists exactly the devices of the netns the hook runs in, whatever /sys was mounted
// from. Only the mount is the hook's: detached (fsmount, never attached to a path), no
// namespace sees it, and it goes with the fd.
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace netdev {

class SysfsView {
  public:
    // nullopt when the kernel has no fsopen (before 5.2: ENOSYS) or refuses it (EPERM without
    // CAP_SYS_ADMIN, or a seccomp filter that answers EPERM; one that kills on it kills the
    // hook): the caller asks netlink instead.
    static std::optional<SysfsView> of_current_netns();
    // A directory laid out as sysfs (tests: a fixture tree).
    static std::optional<SysfsView> of_directory(const std::string& path);

    // Directory `rel` as a view of its own: a device's directory, opened once, stays that
    // device's across a rename (kernfs moves the node), so what is read below it is of one
    // device. nullopt when it cannot be opened.
    std::optional<SysfsView> subdir(const std::string& rel) const;
    // The names in directory `rel` (relative to this view's root, "." for itself); nullopt when
    // it cannot be opened.
    std::optional<std::vector<std::string>> entries(const std::string& rel) const;
    // The decimal integer in file `rel` (an ifindex); nullopt when absent or not a number.
    std::optional<int> read_int(const std::string& rel) const;
    bool exists(const std::string& rel) const;

  private:
    explicit SysfsView(UniqueFd root) : root_(std::move(root)) {}
    UniqueFd root_;
};

}  // namespace netdev
