#pragma once
// The hook's own directory (default /run/oci-netdev-hook): container records and per-device
// locks. Opened once without following symlinks, created 0700; files are written atomically
// (temp file, fsync, rename) and never through a symlink.
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace netdev {

inline constexpr const char* kDefaultStateDir = "/run/oci-netdev-hook";

// A directory name for runc and crun; record files take at most 200 bytes of it
// (records.hpp record_file_name), so any such id fits.
inline constexpr std::size_t kMaxContainerIdBytes = 255;

// Throws HookError(invalid_input) unless `id` is a safe file name: 1-255 bytes of
// [A-Za-z0-9_.+-], not starting with '.'.
void validate_container_id(const std::string& id);

// An exclusive lock file that is gone once released: nothing is left behind in the state
// directory, however many devices were asked for (StateDir::lock_transient).
class TransientLock {
  public:
    TransientLock(int dir_fd, std::string name, UniqueFd fd)
        : dir_fd_(dir_fd), name_(std::move(name)), fd_(std::move(fd)) {}
    TransientLock(TransientLock&& other) noexcept;
    TransientLock& operator=(TransientLock&&) = delete;
    ~TransientLock();

  private:
    int dir_fd_;  // the StateDir's, which outlives its locks
    std::string name_;
    UniqueFd fd_;
};

class StateDir {
  public:
    explicit StateDir(const std::string& path);

    // Atomically replaces `name` with `content` (mode 0600).
    void write_file(const std::string& name, const std::string& content) const;
    // As write_file(), and the fd that wrote it kept, open for append(): the file the record's
    // steps go to is the one written, with no open by name after the rename.
    UniqueFd write_file_for_append(const std::string& name, const std::string& content) const;
    // The content of `name`, or nullopt when it does not exist.
    std::optional<std::string> read_file(const std::string& name) const;
    void remove_file(const std::string& name) const;
    // `name` (which must exist) opened for append().
    UniqueFd open_for_append(const std::string& name) const;
    // Appends `text` to a file from open_for_append() or write_file_for_append() and syncs it:
    // once this returns, it survives the hook being killed (and, on a disk, a crash).
    void append(const UniqueFd& file, const std::string& text, const std::string& name) const;
    // Names of the files ending in `suffix`, sorted.
    std::vector<std::string> list(const std::string& suffix) const;
    const std::string& path() const { return path_; }
    // The directory, opened without following symlinks (for *at() calls).
    int fd() const { return dir_.get(); }

    // An exclusive lock on `name` (a lock file), held until the returned fd is closed. Blocks.
    UniqueFd lock(const std::string& name) const;
    // The same, but the file is removed on release. A waiter that wakes on a file removed
    // (or replaced) meanwhile holds a lock nobody else will see: it compares the fd with the
    // name and tries again.
    TransientLock lock_transient(const std::string& name) const;

  private:
    std::string path_;
    UniqueFd dir_;
};

}  // namespace netdev
