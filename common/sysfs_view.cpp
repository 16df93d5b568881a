#include "common/sysfs_view.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "common/dir_entries.hpp"

namespace netdev {
namespace {

int sys_fsopen(const char* fs) {
    return static_cast<int>(::syscall(SYS_fsopen, fs, FSOPEN_CLOEXEC));
}
int sys_fsconfig_create(int fs) {
    return static_cast<int>(::syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0));
}
int sys_fsmount(int fs) {
    return static_cast<int>(
        ::syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
}

}  // namespace

std::optional<SysfsView> SysfsView::of_current_netns() {
    UniqueFd fs(sys_fsopen("sysfs"));
    if (!fs || sys_fsconfig_create(fs.get()) != 0) return std::nullopt;
    UniqueFd mnt(sys_fsmount(fs.get()));
    if (!mnt) return std::nullopt;
    return SysfsView(std::move(mnt));
}

std::optional<SysfsView> SysfsView::of_directory(const std::string& path) {
    UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return std::nullopt;
    return SysfsView(std::move(dir));
}

std::optional<SysfsView> SysfsView::subdir(const std::string& rel) const {
    UniqueFd dir(::openat(root_.get(), rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return std::nullopt;
    return SysfsView(std::move(dir));
}

std::optional<std::vector<std::string>> SysfsView::entries(const std::string& rel) const {
    return dir_entry_names(root_.get(), rel.c_str());
}

std::optional<int> SysfsView::read_int(const std::string& rel) const {
    UniqueFd fd(::openat(root_.get(), rel.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return std::nullopt;
    char buf[32];
    ssize_t n;
    do n = ::read(fd.get(), buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ')) --len;
    int v = 0;
    auto [end, ec] = std::from_chars(buf, buf + len, v);
    if (ec != std::errc() || end != buf + len || len == 0) return std::nullopt;
    return v;
}

bool SysfsView::exists(const std::string& rel) const {
    return ::faccessat(root_.get(), rel.c_str(), F_OK, 0) == 0;
}

}  // namespace netdev
