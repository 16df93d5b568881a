#include "common/audit.hpp"

#include "common/escape.hpp"
#include "common/logging.hpp"

namespace netdev {
namespace {

AuditContext& current() {
    static AuditContext context;
    return context;
}

// key=value, quoted when the value holds a space or a quote, so the line splits unambiguously.
void field(std::string& line, const char* key, const std::string& value) {
    std::string v = escape_control(value);
    bool quote = v.empty() || v.find_first_of(" \"") != std::string::npos;
    line += ' ';
    line += key;
    line += '=';
    if (!quote) {
        line += v;
        return;
    }
    line += '"';
    for (char c : v) line += c == '"' ? std::string("\\\"") : std::string(1, c);
    line += '"';
}

}  // namespace

void set_audit_context(const AuditContext& context) {
    current() = context;
}

std::string audit_line(const AuditContext& c, const std::string& device,
                       const std::string& decision, const std::string& rule) {
    std::string line = "audit:";
    field(line, "container", c.container_id.empty() ? "-" : c.container_id);
    if (!c.kube_namespace.empty()) field(line, "namespace", c.kube_namespace);
    if (!c.kube_pod.empty()) field(line, "pod", c.kube_pod);
    field(line, "source", c.source.empty() ? "-" : c.source);
    field(line, "device", device);
    field(line, "decision", decision);
    field(line, "rule", rule);
    return line;
}

void audit(const std::string& device, const std::string& decision, const std::string& rule) {
    log_audit(audit_line(current(), device, decision, rule),
              decision == "refused" || decision == "failed" || decision == "lifted");
}

}  // namespace netdev
