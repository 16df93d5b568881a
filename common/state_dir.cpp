#include "common/state_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/interrupts.hpp"
#include "common/read_file.hpp"

namespace netdev {
namespace {

constexpr std::size_t kMaxRecordBytes = 16 << 20;

bool safe_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '+' || c == '-';
}

}  // namespace

void validate_container_id(const std::string& id) {
    if (id.empty() || id.size() > kMaxContainerIdBytes || id[0] == '.' ||
        !std::all_of(id.begin(), id.end(), safe_char))
        throw HookError(ExitCode::invalid_input,
                        "state.id: \"" + id + "\" is not a usable container id ([A-Za-z0-9_.+-])");
}

// An unusable state dir is found before anything changes: exit 3 (common/error.hpp exit_codes).
StateDir::StateDir(const std::string& path) : path_(path) {
    auto open_dir = [&] {
        dir_.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    };
    open_dir();  // there on every run but the first: no mkdir to fail with EEXIST first
    if (!dir_ && errno == ENOENT) {
        if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
            throw_errno(ExitCode::refused, "mkdir " + path, errno);
        open_dir();
    }
    if (!dir_) throw_errno(ExitCode::refused, "open " + path, errno);
    struct stat st {};
    if (::fstat(dir_.get(), &st) != 0) throw_errno(ExitCode::refused, "stat " + path, errno);
    // Records hold what a device looked like; nobody else should write or swap them.
    if (st.st_uid != ::geteuid() || (st.st_mode & 022))
        throw HookError(ExitCode::refused,
                        path + ": must be owned by this user and not writable by others");
}

void StateDir::write_file(const std::string& name, const std::string& content) const {
    write_file_for_append(name, content);
}

UniqueFd StateDir::write_file_for_append(const std::string& name,
                                         const std::string& content) const {
    std::string tmp = "." + name + ".tmp" + std::to_string(::getpid());
    UniqueFd fd(::openat(dir_.get(), tmp.c_str(),
                         O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) throw_errno(ExitCode::failed_restored, "create " + path_ + "/" + tmp, errno);
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(ExitCode::failed_restored, "write " + path_ + "/" + tmp, errno);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) throw_errno(ExitCode::failed_restored, "fsync " + tmp, errno);
    if (::renameat(dir_.get(), tmp.c_str(), dir_.get(), name.c_str()) != 0) {
        int err = errno;
        ::unlinkat(dir_.get(), tmp.c_str(), 0);
        throw_errno(ExitCode::failed_restored, "rename to " + path_ + "/" + name, err);
    }
    // The rename itself is durable only once the directory is synced.
    if (::fsync(dir_.get()) != 0) throw_errno(ExitCode::failed_restored, "fsync " + path_, errno);
    return fd;
}

UniqueFd StateDir::open_for_append(const std::string& name) const {
    UniqueFd fd(::openat(dir_.get(), name.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw_errno(ExitCode::failed_restored, "open " + path_ + "/" + name, errno);
    return fd;
}

void StateDir::append(const UniqueFd& file, const std::string& text,
                      const std::string& name) const {
    // One write: a step line is whole or (torn by a crash) ignored by the reader.
    ssize_t n;
    do n = ::write(file.get(), text.data(), text.size());
    while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(text.size()))
        throw_errno(ExitCode::failed_restored, "append to " + path_ + "/" + name,
                    n < 0 ? errno : EIO);
    if (::fdatasync(file.get()) != 0)
        throw_errno(ExitCode::failed_restored, "fsync " + path_ + "/" + name, errno);
}

std::optional<std::string> StateDir::read_file(const std::string& name) const {
    UniqueFd fd(::openat(dir_.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno == ENOENT) return std::nullopt;
    // A file that cannot be opened (a planted symlink: O_NOFOLLOW) stops the hook before it
    // changes anything.
    if (!fd) throw_errno(ExitCode::refused, "open " + path_ + "/" + name, errno);
    return read_fd_bounded(fd.get(), kMaxRecordBytes, path_ + "/" + name);
}

void StateDir::remove_file(const std::string& name) const {
    if (::unlinkat(dir_.get(), name.c_str(), 0) != 0 && errno != ENOENT)
        throw_errno(ExitCode::failed_restored, "remove " + path_ + "/" + name, errno);
}

std::vector<std::string> StateDir::list(const std::string& suffix) const {
    std::optional<std::vector<std::string>> all = dir_entry_names(dir_.get(), ".");
    if (!all) throw_errno(ExitCode::failed_restored, "list " + path_, errno);
    std::vector<std::string> names;
    for (std::string& n : *all)
        if (n[0] != '.' && n.size() > suffix.size() && n.ends_with(suffix))
            names.push_back(std::move(n));
    std::sort(names.begin(), names.end());
    return names;
}

UniqueFd StateDir::lock(const std::string& name) const {
    UniqueFd fd(
        ::openat(dir_.get(), name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) throw_errno(ExitCode::failed_restored, "open lock " + path_ + "/" + name, errno);
    // A hook queued behind another still keeps its deadline and hears SIGTERM (interrupts.hpp).
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) throw_errno(ExitCode::failed_restored, "lock " + name, errno);
        throw_if_interrupted();
    }
    return fd;
}

}  // namespace netdev

namespace netdev {

TransientLock::TransientLock(TransientLock&& other) noexcept
    : dir_fd_(other.dir_fd_), name_(std::move(other.name_)), fd_(std::move(other.fd_)) {}

TransientLock::~TransientLock() {
    // Unlinked while still held, so a waiter wakes on an orphan and retries (see above).
    if (fd_) ::unlinkat(dir_fd_, name_.c_str(), 0);
}

TransientLock StateDir::lock_transient(const std::string& name) const {
    for (;;) {
        UniqueFd fd = lock(name);
        struct stat held {
        }, named{};
        if (::fstat(fd.get(), &held) != 0)
            throw_errno(ExitCode::failed_restored, "stat lock " + name, errno);
        int rc = ::fstatat(dir_.get(), name.c_str(), &named, AT_SYMLINK_NOFOLLOW);
        if (rc != 0 && errno != ENOENT)
            throw_errno(ExitCode::failed_restored, "stat lock " + path_ + "/" + name, errno);
        if (rc == 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino)
            return TransientLock(dir_.get(), name, std::move(fd));
    }
}

}  // namespace netdev
