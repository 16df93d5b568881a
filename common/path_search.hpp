#pragma once
// Looking a command up the way a shell does (POSIX "Command Search and Execution"): the hook
// finds its runtime from the runtime's argv[0], the runtime wrapper finds the real runtime.
#include <functional>
#include <string>

namespace netdev {

// The PATH a shell uses when none is set.
inline constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The first DIR/`name` over the entries of `path` (a PATH value; an empty entry is the current
// directory) that is a regular, executable file and for which `accept` (when given) says yes.
// Relative entries are taken under `cwd` (a directory path, e.g. /proc/PID/cwd; empty: this
// process's). Empty when there is none.
std::string find_in_path(const std::string& name, const std::string& path,
                         const std::string& cwd = "",
                         const std::function<bool(const std::string&)>& accept = {});

}  // namespace netdev
