#include "common/guard.hpp"

#include <utility>

namespace netdev {
namespace {

constexpr std::pair<Guard, std::string_view> kNames[] = {
    {Guard::loopback, "loopback"}, {Guard::netns_local, "netns-local"},
    {Guard::uplink, "uplink"},     {Guard::uplink_stack, "uplink-stack"},
    {Guard::port, "port"},         {Guard::lower, "lower"},
};

}  // namespace

const char* guard_name(Guard guard) {
    for (const auto& [g, name] : kNames)
        if (g == guard) return name.data();
    return "?";
}

std::optional<Guard> guard_from_name(std::string_view name) {
    for (const auto& [g, n] : kNames)
        if (n == name) return g;
    return std::nullopt;
}

bool guard_can_be_lifted(Guard guard) {
    return guard != Guard::loopback && guard != Guard::netns_local;
}

}  // namespace netdev
