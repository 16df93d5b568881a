#pragma once
// Bounded reads: a hook must not be made to allocate without limit by its input.
#include <cstddef>
#include <string>

namespace netdev {

inline constexpr std::size_t kMaxStateBytes = 1 << 20;    // OCI state on stdin
inline constexpr std::size_t kMaxConfigBytes = 16 << 20;  // bundle config.json

// Reads fd to EOF; throws HookError(invalid_input) naming `what` when it exceeds max_bytes.
std::string read_fd_bounded(int fd, std::size_t max_bytes, const std::string& what);
std::string read_file_bounded(const std::string& path, std::size_t max_bytes);

}  // namespace netdev
