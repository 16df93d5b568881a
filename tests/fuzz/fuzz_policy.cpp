// libFuzzer target: the admin policy parser, and matching its rules (fnmatch globs) against
// a few devices. Only HookError may come out of parsing; matching must not throw at all.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "hooks/authorize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdev;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Policy policy;
    try {
        policy = parse_policy(input, "policy.json");
    } catch (const HookError&) {
        return 0;
    }
    LinkInfo link;
    for (const char* name : {"eth1", "ens5f0v3", "lo", "[a]*?"}) {
        link.name = name;
        link.altnames = {std::string(name) + "-alt"};
        for (RequestSource s :
             {RequestSource::annotation, RequestSource::env, RequestSource::config})
            for (const char* ns : {"", "team-a", "kube-system"})
                if (find_allow_rule(policy, {s, ns}, link)) is_trusted(policy, s);
    }
    return 0;
}
