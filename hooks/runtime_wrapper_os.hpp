#pragma once
// The wrapper's dealings with the system: its settings, the real runtime's binary, the
// rewrite of config.json. Each throws HookError naming the path and the errno text.
#include <string>

#include "hooks/runtime_wrapper.hpp"

namespace netdev {

// Defaults, then the settings file, then the environment (see WrapperSettings). The default
// hook is oci-netdev-hook in the wrapper's own directory: both are installed to <prefix>/bin.
WrapperSettings load_wrapper_settings();

// The runtime to exec: `name` itself when it holds a '/', else the first executable `name` in
// PATH that is not this binary (compared by device and inode, so a symlink named runc pointing
// here is skipped). Throws when there is none, or when a path names this binary.
std::string find_real_runtime(const std::string& name);

// Replaces `path` with `content` through a temporary file in the same directory and rename(2),
// keeping the file's mode and owner: a runtime reading it sees the old or the new file.
void replace_file_atomically(const std::string& path, const std::string& content);

}  // namespace netdev
