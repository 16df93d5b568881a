#include "common/json_duplicates.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <limits>
#include <optional>
#include <set>
#include <vector>

#include "common/error.hpp"

namespace netdev {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

struct Duplicate {
    std::string entry;  // the map's key of the member object holding it; empty: the map itself
    std::string key;
};

// A basic_parser handler that follows the keys from the root and, in the watched object and
// its member objects only, remembers the keys it has seen.
class DuplicateFinder {
  public:
    static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
    static constexpr std::size_t max_array_size = max_object_size;
    static constexpr std::size_t max_key_size = max_object_size;
    static constexpr std::size_t max_string_size = max_object_size;

    explicit DuplicateFinder(std::vector<std::string_view> path) : path_(std::move(path)) {}
    const std::optional<Duplicate>& found() const { return found_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return open(true); }
    bool on_object_end(std::size_t, error_code&) { return close(); }
    bool on_array_begin(error_code&) { return open(false); }
    bool on_array_end(std::size_t, error_code&) { return close(); }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        key_.append(s.data(), s.size());
        Frame& f = frames_.back();
        f.key = std::move(key_);
        key_.clear();
        if (f.watched && !f.seen.insert(f.key).second && !found_) found_ = {f.entry, f.key};
        return true;
    }
    bool on_string_part(string_view, std::size_t, error_code&) { return true; }
    bool on_string(string_view, std::size_t, error_code&) { return true; }
    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, string_view, error_code&) { return true; }
    bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
    bool on_double(double, string_view, error_code&) { return true; }
    bool on_bool(bool, error_code&) { return true; }
    bool on_null(error_code&) { return true; }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

  private:
    struct Frame {
        bool object = false;
        bool on_path = false;  // its keys from the root are a prefix of path_
        bool is_map = false;   // the object at path_
        bool watched = false;  // the map or one of its member objects
        std::string entry;     // for a member object: its key in the map
        std::string key;       // the key of the member being parsed
        std::set<std::string, std::less<>> seen;
    };

    bool open(bool object) {
        Frame f;
        f.object = object;
        if (frames_.empty()) {
            f.on_path = true;
        } else {
            const Frame& parent = frames_.back();
            std::size_t depth = frames_.size();
            f.on_path = parent.on_path && parent.object && depth <= path_.size() &&
                        parent.key == path_[depth - 1];
            if (parent.is_map && object) {
                f.watched = true;
                f.entry = parent.key;
            }
        }
        f.is_map = object && f.on_path && frames_.size() == path_.size();
        f.watched = f.watched || f.is_map;
        frames_.push_back(std::move(f));
        return true;
    }
    bool close() {
        frames_.pop_back();
        return true;
    }

    std::vector<std::string_view> path_;
    std::vector<Frame> frames_;
    std::string key_;
    std::optional<Duplicate> found_;
};

}  // namespace

void refuse_duplicate_keys(std::string_view text, std::initializer_list<std::string_view> path,
                           const std::string& field) {
    json::basic_parser<DuplicateFinder> parser(json::parse_options{},
                                               std::vector<std::string_view>(path));
    error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    const std::optional<Duplicate>& d = parser.handler().found();
    if (!d) return;
    std::string where = d->entry.empty() ? field : field + "[\"" + d->entry + "\"]";
    throw HookError(ExitCode::invalid_input,
                    where + ": key \"" + d->key + "\" appears more than once");
}

}  // namespace netdev
