#pragma once
// A directory's names, read with getdents64 on one fd: no DIR stream, whose fdopendir() costs
// an fstat and two fcntl calls more per listing (the state dir and a device's sysfs directory
// are listed on every run).
#include <optional>
#include <string>
#include <vector>

namespace netdev {

// The names in directory `rel` below `dirfd` ("." for itself), "." and ".." left out, in the
// kernel's order. nullopt, with errno set, when it cannot be opened or read.
std::optional<std::vector<std::string>> dir_entry_names(int dirfd, const char* rel);

}  // namespace netdev
