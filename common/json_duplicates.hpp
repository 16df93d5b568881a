#pragma once
// Boost.JSON (1.81 has no option against it) keeps the last of two equal keys silently;
// for the device map that would drop a device the user asked for. This finds them.
#include <initializer_list>
#include <string>
#include <string_view>

namespace netdev {

// Throws HookError(invalid_input) when the object at `path` (keys from the root; empty for the
// root object itself) of the JSON `text`, or one of its member objects, has a key twice:
//   `field`: key "eth1" appears more than once
//   `field`["eth1"]: key "name" appears more than once
// Text that is not valid JSON is left to the real parse to report.
void refuse_duplicate_keys(std::string_view text, std::initializer_list<std::string_view> path,
                           const std::string& field);

}  // namespace netdev
