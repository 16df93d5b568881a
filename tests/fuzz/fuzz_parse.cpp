// libFuzzer target: everything the hook reads from outside before touching the kernel.
// The first byte picks the input: '0' state on stdin, '1' config.json, '2' the devices
// annotation. Only HookError may come out: anything else (a crash, another exception, a
// leak, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/oci_model.hpp"
#include "netdev/planner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdev;
    if (size == 0) return 0;
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0:
                parse_state(input);
                break;
            case 1: {
                OciConfig cfg = parse_config(input, {});
                validate_requests(cfg.devices, cfg.devices_source);
                break;
            }
            default: {
                Annotations ann{{std::string(kDevicesAnnotation), std::string(input)}};
                OciConfig cfg = parse_config("{}", ann);
                validate_requests(cfg.devices, cfg.devices_source);
            }
        }
    } catch (const HookError&) {
    }
    return 0;
}
