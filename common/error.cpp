#include "common/error.hpp"

#include <cstring>

namespace netdev {

std::string errno_text(int err) {
    return std::strerror(err);
}

void throw_errno(ExitCode code, const std::string& what, int err) {
    throw HookError(code, what + ": " + errno_text(err), err);
}

}  // namespace netdev
