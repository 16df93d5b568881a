#pragma once
// The audit trail: every move, refusal and give-back as one line in the system log (and the
// log file), so an admin can answer "who took ens5f0v3 at 03:12". Values are escaped.
#include <string>

namespace netdev {

// Who is asking: set once per run, before the first audit().
struct AuditContext {
    std::string container_id;
    std::string kube_namespace;  // empty outside Kubernetes
    std::string kube_pod;
    std::string source;  // "config", "annotation", "env", "command-line"
};
void set_audit_context(const AuditContext& context);

// decision: moved, refused, failed, returned, lifted. `rule` names what decided it.
void audit(const std::string& device, const std::string& decision, const std::string& rule);

// The line audit() logs, for tests.
std::string audit_line(const AuditContext& context, const std::string& device,
                       const std::string& decision, const std::string& rule);

}  // namespace netdev
