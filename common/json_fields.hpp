#pragma once
// Reading untrusted JSON documents (state, config.json, the policy) with errors that name the
// field and show the offending value: "linux.netDevices: expected an object, got ...".
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace netdev {

// All throw HookError(invalid_input) "<field>: <problem>".
[[noreturn]] void bad_field(const std::string& field, const std::string& problem);
[[noreturn]] void wrong_type(const std::string& field, const char* expected,
                             const boost::json::value& v);
boost::json::value parse_json(std::string_view text, const std::string& what);
const boost::json::object& as_object(const boost::json::value& v, const std::string& field);
// The string member `key` of `obj`; nullopt when absent.
std::optional<std::string> string_member(const boost::json::object& obj, std::string_view key,
                                         const std::string& field);
// A short serialisation of `v` for messages.
std::string excerpt(const boost::json::value& v);

}  // namespace netdev
