#pragma once
// Boost.Log set-up: quiet stderr by default (runtimes show hook stderr only on failure), an
// optional appending file with timestamp, container id, stage and device on every line, and
// the audit trail in the system log. Every sink escapes control characters.
#include <boost/log/attributes/constant.hpp>
#include <boost/log/attributes/scoped_attribute.hpp>
#include <boost/log/trivial.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace netdev {

using LogSeverity = boost::log::trivial::severity_level;

struct LogOptions {
    LogSeverity stderr_level = LogSeverity::warning;
    std::string file;  // empty: no file
    // The audit trail and the final error to the system log (/dev/log). A missing /dev/log
    // loses those lines, never the hook.
    bool syslog = true;
};

std::optional<LogSeverity> parse_log_level(std::string_view text);
// Before init_logging() nothing is logged: Boost.Log's default sink would write a timestamped
// copy of an early error (a bad argument) to stdout, beside the one line on stderr.
void quiet_logging_until_init();
void init_logging(const LogOptions& options);
// Adds container id and stage to every later record.
void set_log_context(const std::string& container_id, const std::string& stage);
// The final error line goes to stderr by main() itself; this puts it in the log file only.
void log_final_error(const std::string& line);
// An audit line (common/audit.hpp): to the system log and the log file, never to stderr,
// where main() prints the one line that matters.
void log_audit(const std::string& line, bool warning);

// The lowest severity any sink takes for a plain record (not audit, not the final error);
// NETDEV_LOG compares with it before Boost.Log builds a record: a filtered-out record still
// costs ~2.7k instructions in open_record(), and the debug lines run once per address.
// Everything passes until quiet_logging_until_init() or init_logging() says otherwise.
inline int log_threshold = 0;

}  // namespace netdev

// A loop, not an if/else: no dangling else where the caller writes `if (x) NETDEV_LOG(...)`.
#define NETDEV_LOG(sev)                                                               \
    for (bool netdev_log_once_ =                                                      \
             static_cast<int>(::boost::log::trivial::sev) >= ::netdev::log_threshold; \
         netdev_log_once_; netdev_log_once_ = false)                                  \
    BOOST_LOG_TRIVIAL(sev)
// Tags every record in the enclosing scope with the device being worked on.
#define NETDEV_LOG_DEVICE(name) \
    BOOST_LOG_SCOPED_THREAD_ATTR("Device", boost::log::attributes::constant<std::string>(name))
