#include "common/netns_pin.hpp"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/error.hpp"

namespace netdev {

void pin_netns(const StateDir& dir, const std::string& name, const Netns& netns) {
    dir.write_file(name, "");
    std::string source = "/proc/self/fd/" + std::to_string(netns.fd());
    std::string target = dir.path() + "/" + name;
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        int err = errno;
        dir.remove_file(name);
        throw_errno(ExitCode::refused, "pin " + netns.label() + " at " + target, err);
    }
}

std::optional<Netns> open_pinned(const StateDir& dir, const std::string& name) {
    std::string path = dir.path() + "/" + name;
    try {
        return Netns::open_path(path, "pinned container netns " + path);
    } catch (const HookError&) {
        return std::nullopt;  // gone, or a plain file: the bind mount is not there
    }
}

void unpin_netns(const StateDir& dir, const std::string& name) {
    std::string path = dir.path() + "/" + name;
    // EINVAL: not a mount point (never mounted, or unmounted by an earlier run).
    if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL &&
        errno != ENOENT)
        throw_errno(ExitCode::restore_incomplete, "unmount pin " + path, errno);
    dir.remove_file(name);
}

std::optional<pid_t> process_in_netns(const NetnsId& id) {
    std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
    if (!proc) return std::nullopt;
    while (const dirent* e = ::readdir(proc.get())) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end != '\0') continue;
        struct stat st {};
        std::string ns = std::string("/proc/") + e->d_name + "/ns/net";
        if (::stat(ns.c_str(), &st) == 0 && st.st_dev == id.dev && st.st_ino == id.ino)
            return static_cast<pid_t>(pid);
    }
    return std::nullopt;
}

std::optional<std::string> mounted_netns_path(const NetnsId& id) {
    std::ifstream mounts("/proc/self/mountinfo");
    const std::string root = "net:[" + std::to_string(id.ino) + "]";
    for (std::string line; std::getline(mounts, line);) {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
        std::istringstream in(line);
        std::string mount_id, parent, devno, mroot, point;
        if (!(in >> mount_id >> parent >> devno >> mroot >> point) || mroot != root) continue;
        std::size_t dash = line.find(" - ");
        if (dash == std::string::npos || line.compare(dash + 3, 5, "nsfs ") != 0) continue;
        // Octal escapes (\040 for a space) are left: such a path is then not opened below.
        struct stat st {};
        if (::stat(point.c_str(), &st) == 0 && st.st_dev == id.dev && st.st_ino == id.ino)
            return point;
    }
    return std::nullopt;
}

}  // namespace netdev
