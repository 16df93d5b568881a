#pragma once
// Temporary files a killed run left in the state dir: StateDir::write_file() writes
// `.<name>.tmp<pid>` and renames it over `<name>`; a SIGKILL between the two leaves the
// temporary file there, which nothing else ever removes.
#include <string>
#include <vector>

#include "common/state_dir.hpp"

namespace netdev {

// Removes every `.<name>.tmp<pid>` of `dir` whose writer is gone: its pid is not running, is
// this process (which has not written yet when it sweeps), or the file is older than any run
// lasts (a reused pid). Never follows a link: a symlink or other non-directory of that name
// is removed itself (unlinkat), a directory is left alone. Returns the names removed, each
// logged in one line. Failures to remove are logged, not thrown: the sweep is housekeeping.
std::vector<std::string> sweep_stale_temp_files(const StateDir& dir);

// True when `name` has the shape of a write_file() temporary file; `pid` is its writer's.
bool is_temp_file_name(const std::string& name, long long* pid = nullptr);

}  // namespace netdev
