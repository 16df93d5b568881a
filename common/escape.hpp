#pragma once
// Names and ids come from whoever wrote the config or the annotation: a newline in a device
// name must not forge a line in the runtime's log, the log file or the system log.
#include <string>
#include <string_view>

namespace netdev {

// `text` with every control byte (< 0x20, 0x7f) written as \xNN. Idempotent: the result
// holds no control byte.
std::string escape_control(std::string_view text);
// The same for text of several lines (`status`, `check`): with `keep_newlines`, the line ends
// stay; a name cannot add a line, it has no newline (names are validated), only its escape.
std::string escape_control_in_lines(std::string_view text, bool keep_newlines = true);

}  // namespace netdev
