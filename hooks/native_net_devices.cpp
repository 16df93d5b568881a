#include "hooks/native_net_devices.hpp"

#include "common/error.hpp"
#include "common/logging.hpp"
#include "hooks/runtime_features.hpp"

namespace netdev {
namespace {

std::optional<RuntimeBinary> runtime_to_ask(const NativeChoice& choice) {
    if (choice.runtime_path.empty()) return choice.detect_parent ? parent_runtime() : std::nullopt;
    std::optional<RuntimeBinary> rt = runtime_at(choice.runtime_path);
    if (!rt)
        throw HookError(ExitCode::invalid_input,
                        "--runtime \"" + choice.runtime_path + "\": not an executable file");
    return rt;
}

}  // namespace

std::optional<std::string> runtime_mover(const OciConfig& cfg, const NativeChoice& choice,
                                         const Policy& policy, const StateDir* cache) {
    NativeMode mode = choice.cli.value_or(policy.native);
    if (mode == NativeMode::no || cfg.source != RequestSource::config) return std::nullopt;
    std::optional<RuntimeBinary> rt = runtime_to_ask(choice);
    if (mode == NativeMode::yes)
        return rt ? rt->label : std::string(choice.cli ? "(--native yes)" : "(policy: native yes)");
    if (!rt) return std::nullopt;
    bool moves = cache ? runtime_moves_net_devices(*rt, *cache) : runtime_moves_net_devices(*rt);
    return moves ? std::optional<std::string>(rt->label) : std::nullopt;
}

}  // namespace netdev
