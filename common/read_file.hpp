#pragma once
// Bounded reads: a hook must not be made to allocate without limit by its input, nor to wait
// without limit for it (a FIFO nobody writes, a stdin nobody closes).
#include <chrono>
#include <cstddef>
#include <string>

namespace netdev {

inline constexpr std::size_t kMaxStateBytes = 1 << 20;    // OCI state on stdin
inline constexpr std::size_t kMaxConfigBytes = 16 << 20;  // bundle config.json
// How long a read may wait for more input: a runtime writes the state at once and closes it.
inline constexpr std::chrono::milliseconds kDefaultReadTimeout{5000};

// Reads fd to EOF; throws HookError(invalid_input) naming `what` when it exceeds max_bytes, or
// when no EOF came within `timeout` (the writer never closed its end).
std::string read_fd_bounded(int fd, std::size_t max_bytes, const std::string& what,
                            std::chrono::milliseconds timeout = kDefaultReadTimeout);

// As read_fd_bounded(), for a regular file (or a /proc file), which is always readable: no
// wait, so no poll before each read.
std::string read_regular_fd_bounded(int fd, std::size_t max_bytes, const std::string& what);

// Which files read_file_bounded() takes: `regular` for a bundle's config.json; a pipe as well
// for a file named on the command line (`--state <(...)`).
enum class FileKinds { regular, regular_or_pipe };

// Opens without blocking (a FIFO would block open() until a writer came), refuses any other
// kind of file naming the path, then reads as read_fd_bounded(). HookError(invalid_input).
std::string read_file_bounded(const std::string& path, std::size_t max_bytes,
                              FileKinds kinds = FileKinds::regular);

}  // namespace netdev
