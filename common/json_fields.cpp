#include "common/json_fields.hpp"

#include "common/error.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

std::string kind_of(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            return "null";
        case json::kind::bool_:
            return "a boolean";
        case json::kind::string:
            return "a string";
        case json::kind::array:
            return "an array";
        case json::kind::object:
            return "an object";
        default:
            return "a number";
    }
}

}  // namespace

void bad_field(const std::string& field, const std::string& problem) {
    throw HookError(ExitCode::invalid_input, field + ": " + problem);
}

std::string excerpt(const json::value& v) {
    std::string s = json::serialize(v);
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

void wrong_type(const std::string& field, const char* expected, const json::value& v) {
    bad_field(field,
              std::string("expected ") + expected + ", got " + kind_of(v) + " " + excerpt(v));
}

json::value parse_json(std::string_view text, const std::string& what) {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) bad_field(what, "not valid JSON: " + ec.message());
    return v;
}

const json::object& as_object(const json::value& v, const std::string& field) {
    if (!v.is_object()) wrong_type(field, "an object", v);
    return v.get_object();
}

std::optional<std::string> string_member(const json::object& obj, std::string_view key,
                                         const std::string& field) {
    const json::value* v = obj.if_contains(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) wrong_type(field, "a string", *v);
    return std::string(v->get_string());
}

}  // namespace netdev
