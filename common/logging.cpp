// Debian's Boost.Log is built with the native syslog backend (libc syslog() to /dev/log),
// but its headers name the implementation only when told so.
#define BOOST_LOG_USE_NATIVE_SYSLOG
#include "common/logging.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <boost/core/null_deleter.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <boost/log/attributes/clock.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/syslog_backend.hpp>
#include <boost/log/sinks/text_file_backend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/shared_ptr.hpp>
#include <iostream>

#include "common/error.hpp"
#include "common/escape.hpp"
#include "common/unique_fd.hpp"

namespace netdev {
namespace logging = boost::log;
namespace expr = boost::log::expressions;
namespace {

BOOST_LOG_ATTRIBUTE_KEYWORD(kw_device, "Device", std::string)
BOOST_LOG_ATTRIBUTE_KEYWORD(kw_container, "ContainerId", std::string)
BOOST_LOG_ATTRIBUTE_KEYWORD(kw_stage, "Stage", std::string)
BOOST_LOG_ATTRIBUTE_KEYWORD(kw_final, "FinalError", bool)
BOOST_LOG_ATTRIBUTE_KEYWORD(kw_audit, "Audit", bool)
BOOST_LOG_ATTRIBUTE_KEYWORD(kw_time, "TimeStamp", boost::posix_time::ptime)

std::string escaped(const logging::record_view& rec) {
    auto msg = rec[expr::smessage];
    return msg ? escape_control(*msg) : std::string();
}

template <typename Keyword>
std::string escaped_attr(const logging::record_view& rec, Keyword kw) {
    auto v = rec[kw];
    return v ? escape_control(*v) : std::string();
}

void format_stderr(const logging::record_view& rec, logging::formatting_ostream& out) {
    out << "oci-netdev-hook: " << rec[logging::trivial::severity];
    if (auto d = rec[kw_device]) out << ": " << escape_control(*d);
    out << ": " << escaped(rec);
}

void format_file(const logging::record_view& rec, logging::formatting_ostream& out) {
    if (auto t = rec[kw_time]) out << boost::posix_time::to_iso_extended_string(*t) << " ";
    out << rec[logging::trivial::severity] << " container=" << escaped_attr(rec, kw_container)
        << " stage=" << escaped_attr(rec, kw_stage) << " device=" << escaped_attr(rec, kw_device)
        << ": " << escaped(rec);
}

void add_syslog_sink() {
    namespace sinks = logging::sinks;
    // Native: libc's syslog() to /dev/log; without a listener the line is dropped silently.
    auto backend = boost::make_shared<sinks::syslog_backend>(
        logging::keywords::facility = sinks::syslog::daemon,
        logging::keywords::use_impl = sinks::syslog::native,
        logging::keywords::ident = "oci-netdev-hook");
    sinks::syslog::custom_severity_mapping<LogSeverity> levels("Severity");
    levels[LogSeverity::trace] = sinks::syslog::debug;
    levels[LogSeverity::debug] = sinks::syslog::debug;
    levels[LogSeverity::info] = sinks::syslog::info;
    levels[LogSeverity::warning] = sinks::syslog::warning;
    levels[LogSeverity::error] = sinks::syslog::error;
    levels[LogSeverity::fatal] = sinks::syslog::critical;
    backend->set_severity_mapper(levels);
    auto sink = boost::make_shared<sinks::synchronous_sink<sinks::syslog_backend>>(backend);
    sink->set_filter(expr::has_attr(kw_audit) || expr::has_attr(kw_final));
    sink->set_formatter([](const logging::record_view& rec, logging::formatting_ostream& out) {
        out << escaped(rec);
    });
    logging::core::get()->add_sink(sink);
}

void add_stderr_sink(LogSeverity level) {
    using backend_t = logging::sinks::text_ostream_backend;
    auto backend = boost::make_shared<backend_t>();
    backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
    backend->auto_flush(true);
    auto sink = boost::make_shared<logging::sinks::synchronous_sink<backend_t>>(backend);
    sink->set_filter(logging::trivial::severity >= level && !expr::has_attr(kw_final) &&
                     !expr::has_attr(kw_audit));
    sink->set_formatter(&format_stderr);
    logging::core::get()->add_sink(sink);
}

void add_file_sink(const std::string& path, LogSeverity level) {
    using backend_t = logging::sinks::text_file_backend;
    auto backend = boost::make_shared<backend_t>(logging::keywords::file_name = path,
                                                 logging::keywords::open_mode = std::ios::app);
    backend->auto_flush(true);
    auto sink = boost::make_shared<logging::sinks::synchronous_sink<backend_t>>(backend);
    sink->set_filter(logging::trivial::severity >= level || expr::has_attr(kw_final) ||
                     expr::has_attr(kw_audit));
    sink->set_formatter(&format_file);
    logging::core::get()->add_sink(sink);
}

}  // namespace

std::optional<LogSeverity> parse_log_level(std::string_view text) {
    static constexpr std::pair<std::string_view, LogSeverity> kLevels[] = {
        {"trace", LogSeverity::trace},  {"debug", LogSeverity::debug},
        {"info", LogSeverity::info},    {"warning", LogSeverity::warning},
        {"warn", LogSeverity::warning}, {"error", LogSeverity::error},
    };
    for (const auto& [name, level] : kLevels)
        if (name == text) return level;
    return std::nullopt;
}

void quiet_logging_until_init() {
    log_threshold = static_cast<int>(LogSeverity::fatal) + 1;
    logging::core::get()->set_logging_enabled(false);
}

void init_logging(const LogOptions& options) {
    auto core = logging::core::get();
    core->remove_all_sinks();
    core->set_logging_enabled(true);
    add_stderr_sink(options.stderr_level);
    if (options.syslog) add_syslog_sink();
    log_threshold = static_cast<int>(options.stderr_level);
    if (options.file.empty()) return;
    // Boost.Log opens the file lazily and would fail mid-run; find out now, naming the path.
    // O_NONBLOCK: a FIFO without a reader must not hold the hook past its deadline.
    UniqueFd probe(::open(options.file.c_str(),
                          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0640));
    if (!probe && errno == ENXIO)  // O_NONBLOCK's answer for a FIFO without a reader
        throw HookError(ExitCode::invalid_input, "--log-file " + options.file +
                                                     ": a FIFO, not a regular file or a terminal");
    if (!probe) throw_errno(ExitCode::invalid_input, "--log-file " + options.file, errno);
    struct stat st {};
    if (::fstat(probe.get(), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
        throw HookError(ExitCode::invalid_input,
                        "--log-file " + options.file + ": not a regular file or a terminal");
    core->add_global_attribute("TimeStamp", logging::attributes::local_clock());
    // The file records at least info, more when stderr is asked for more.
    add_file_sink(options.file, std::min(options.stderr_level, LogSeverity::info));
    log_threshold = static_cast<int>(std::min(options.stderr_level, LogSeverity::info));
}

void set_log_context(const std::string& container_id, const std::string& stage) {
    auto core = logging::core::get();
    core->add_global_attribute("ContainerId",
                               logging::attributes::constant<std::string>(container_id));
    core->add_global_attribute("Stage", logging::attributes::constant<std::string>(stage));
}

void log_audit(const std::string& line, bool warning) {
    // Past log_threshold: the system log takes every audit line, whatever the level.
    BOOST_LOG_SCOPED_THREAD_ATTR("Audit", logging::attributes::constant<bool>(true));
    if (warning)
        BOOST_LOG_TRIVIAL(warning) << line;
    else
        BOOST_LOG_TRIVIAL(info) << line;
}

void log_final_error(const std::string& line) {
    BOOST_LOG_SCOPED_THREAD_ATTR("FinalError", logging::attributes::constant<bool>(true));
    BOOST_LOG_TRIVIAL(error) << line;
}

}  // namespace netdev
