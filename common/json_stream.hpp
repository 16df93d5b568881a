#pragma once
// One JSON value read from a pipe: complete at its closing brace, without waiting for EOF.
// A runtime may write the whole OCI state and keep its end of stdin open.
#include <chrono>
#include <cstddef>
#include <string>

#include "common/read_file.hpp"

namespace netdev {

// Reads `fd` until the first JSON value in it is complete (Boost.JSON's stream parser says
// when), or to EOF, and returns the text read up to the end of that value. What is already
// there after the value must be whitespace, else HookError(invalid_input) "`what`: trailing
// data after the JSON value". Text that is not JSON stops the read at once and is returned
// as read, for the caller's parser to name the error. The bounds are read_fd_bounded()'s:
// more than `max_bytes`, or no complete value and no EOF within `timeout`:
// HookError(invalid_input).
std::string read_json_value_bounded(int fd, std::size_t max_bytes, const std::string& what,
                                    std::chrono::milliseconds timeout = kDefaultReadTimeout);

}  // namespace netdev
