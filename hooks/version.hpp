#pragma once
#include <string>

namespace netdev {

// The --version text: the version, then how the binary was built (build type, compiler,
// and which libraries are linked in or shared), as a bug report or a packager needs it.
std::string version_text();

}  // namespace netdev
