#pragma once
// Where a container's device request is, in precedence order: linux.netDevices, the
// config's annotation, the state's annotation, the runtime wrapper's entry in process.env
// (docs/design.md "Request"). The one place a source is added: the hook (parse_config, then
// hooks/request.hpp) and the runtime wrapper (whether to add the hook at all) both ask it.
#include <boost/json/object.hpp>
#include <string>

#include "common/oci_model.hpp"

namespace netdev {

struct RequestOrigin {
    RequestSource source = RequestSource::none;
    std::string field;                         // for messages: "linux.netDevices", ...
    const boost::json::object* map = nullptr;  // linux.netDevices
    std::string text;                          // an annotation's or env entry's value
};

// Throws HookError(invalid_input) naming the field when one of them has the wrong type.
RequestOrigin find_request(const boost::json::object& config, const Annotations& state_annotations);

}  // namespace netdev
