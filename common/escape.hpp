#pragma once
// Names and ids come from whoever wrote the config or the annotation: a newline in a device
// name must not forge a line in the runtime's log, the log file or the system log.
#include <string>
#include <string_view>

namespace netdev {

// `text` with every control byte (< 0x20, 0x7f) written as \xNN. Idempotent: the result
// holds no control byte.
std::string escape_control(std::string_view text);

}  // namespace netdev
