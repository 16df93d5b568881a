#include "netdev/records.hpp"

#include <linux/netlink.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <span>
#include <sstream>
#include <type_traits>

#include <boost/json.hpp>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

std::vector<std::uint8_t> unhex(std::string_view s) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw std::invalid_argument("bad hex");
    };
    if (s.size() % 2) throw std::invalid_argument("odd hex");
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(nibble(s[i]) << 4 | nibble(s[i + 1])));
    return out;
}

// The header is written by hand and read back with boost::json: building and serialising
// boost::json objects was most of the hook's CPU for a device with 1024 addresses.
//
// TextSink holds the text being written and a cursor into room made ahead, so a piece costs
// a compare and a copy, not a std::string call (a few pieces per address and route, hundreds
// a run: the calls were most of the writer's cost).
class TextSink {
  public:
    explicit TextSink(std::size_t expected) : text_(expected, '\0'), at_(text_.data()) {}
    void put(char c) {
        room(1);
        *at_++ = c;
    }
    // Inlined, so that a literal's length is known and its copy is a move or two.
    [[gnu::always_inline]] void put(std::string_view s) {
        room(s.size());
        std::memcpy(at_, s.data(), s.size());
        at_ += s.size();
    }
    template <typename Number>
    void number(Number v) {
        room(24);  // a 64-bit number and its sign
        at_ = std::to_chars(at_, at_ + 24, v).ptr;
    }
    void hex(std::span<const std::uint8_t> bytes) {
        room(2 * bytes.size());
        at_ = write_hex(at_, bytes);
    }
    // A JSON string of `v`, quotes included. Bytes, not text: a name may hold any byte but
    // '/' and NUL, and JSON parsers refuse invalid UTF-8, so each byte >= 0x80 is written as
    // U+0080..U+00FF (text_of() maps back), like a control character.
    void json_string(std::string_view v) {
        room(2 + 6 * v.size());
        *at_++ = '"';
        for (char c : v) {
            auto u = static_cast<std::uint8_t>(c);
            if (c == '"' || c == '\\') {
                *at_++ = '\\';
                *at_++ = c;
            } else if (u < 0x20 || u >= 0x80) {
                std::memcpy(at_, "\\u00", 4);
                at_ += 4;
                hex({&u, 1});
            } else {
                *at_++ = c;
            }
        }
        *at_++ = '"';
    }
    char back() const { return at_[-1]; }
    std::string take() && {
        text_.resize(static_cast<std::size_t>(at_ - text_.data()));
        return std::move(text_);
    }

  private:
    void room(std::size_t n) {
        if (static_cast<std::size_t>(text_.data() + text_.size() - at_) < n) grow(n);
    }
    void grow(std::size_t n) {
        auto used = static_cast<std::size_t>(at_ - text_.data());
        text_.resize(std::max(2 * text_.size(), used + n));
        at_ = text_.data() + used;
    }
    std::string text_;
    char* at_;
};

// One object: `{"name":value,...}`.
class JsonObject {
  public:
    explicit JsonObject(TextSink& out) : out_(out) { out_.put('{'); }
    JsonObject(const JsonObject&) = delete;
    ~JsonObject() { out_.put('}'); }
    // Starts the member `name` (a literal, nothing to escape); its value comes next.
    [[gnu::always_inline]] TextSink& member(std::string_view name) {
        out_.put(first_ ? std::string_view("\"") : std::string_view(",\""));
        first_ = false;
        out_.put(name);
        out_.put(std::string_view("\":"));
        return out_;
    }
    template <typename Number>
    void number(std::string_view name, Number v) {
        member(name).number(v);
    }
    void boolean(std::string_view name, bool v) { member(name).put(v ? "true" : "false"); }
    void string(std::string_view name, std::string_view v) { member(name).json_string(v); }
    void hex_bytes(std::string_view name, const std::vector<std::uint8_t>& v) {
        TextSink& o = member(name);
        o.put('"');
        o.hex(v);
        o.put('"');
    }
    // Attributes as one hex string in the kernel's own TLV encoding (nlattr header, payload,
    // padding): one JSON string per address or route, not one object per attribute.
    void attributes(std::string_view name, const std::vector<RawAttribute>& attrs) {
        static const std::uint8_t zeros[NLA_ALIGNTO] = {};
        TextSink& o = member(name);
        o.put('"');
        for (const RawAttribute& a : attrs) {
            const auto len = static_cast<std::uint16_t>(sizeof(nlattr) + a.data.size());
            nlattr hdr{len, a.type};
            o.hex({reinterpret_cast<const std::uint8_t*>(&hdr), sizeof hdr});
            o.hex(a.data);
            o.hex({zeros, static_cast<std::size_t>(NLA_ALIGN(len) - len)});
        }
        o.put('"');
    }

  private:
    TextSink& out_;
    bool first_ = true;
};

// A string the writer wrote (append_json_string): boost::json gives U+0080..U+00FF as two
// UTF-8 bytes (0xC2 or 0xC3, then 0x80..0xBF); each is one byte of the original again.
std::string text_of(const json::value& v) {
    const json::string& s = v.as_string();
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto b = static_cast<unsigned char>(s[i]);
        auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        if ((b == 0xC2 || b == 0xC3) && (next & 0xC0) == 0x80) {
            out += static_cast<char>(((b & 0x03) << 6) | (next & 0x3F));
            ++i;
        } else {
            out += static_cast<char>(b);
        }
    }
    return out;
}

std::vector<AddressAttribute> decode_attributes(std::string_view text) {
    std::vector<std::uint8_t> tlv = unhex(text);
    std::vector<AddressAttribute> out;
    std::size_t off = 0;
    while (off + sizeof(nlattr) <= tlv.size()) {
        nlattr hdr;
        std::memcpy(&hdr, tlv.data() + off, sizeof hdr);
        if (hdr.nla_len < sizeof hdr || off + hdr.nla_len > tlv.size())
            throw std::invalid_argument("bad attribute length");
        const std::uint8_t* p = tlv.data() + off + sizeof hdr;
        out.push_back({hdr.nla_type, std::span(p, hdr.nla_len - sizeof hdr)});
        off += NLA_ALIGN(hdr.nla_len);
    }
    return out;
}

// The numeric fields of an address and of a route, in the order and under the names the
// record file has them: one list, walked by the writer and by the reader.
template <typename Address, typename Visit>
void address_numbers(Address& a, Visit&& visit) {
    visit("family", a.family);
    visit("prefixlen", a.prefixlen);
    visit("scope", a.scope);
    visit("flags", a.flags);
}

template <typename Route, typename Visit>
void route_numbers(Route& r, Visit&& visit) {
    visit("family", r.family);
    visit("dst_len", r.dst_len);
    visit("src_len", r.src_len);
    visit("tos", r.tos);
    visit("protocol", r.protocol);
    visit("scope", r.scope);
    visit("type", r.type);
    visit("flags", r.flags);
    visit("table", r.table);
}

// Reads each visited number from `o`, as the type of the field it goes into.
auto read_numbers_from(const json::object& o) {
    return [&o](std::string_view name, auto& field) {
        field = json::value_to<std::remove_reference_t<decltype(field)>>(o.at(name));
    };
}

void put_address(TextSink& out, const AddressRecord& a) {
    JsonObject o(out);
    address_numbers(a, [&](std::string_view name, auto v) { o.number(name, v); });
    o.string("label", a.label);
    o.attributes("attributes", a.replayed);
}

AddressRecord address_from(const json::object& o) {
    AddressRecord a;
    address_numbers(a, read_numbers_from(o));
    a.label = text_of(o.at("label"));
    a.replayed = decode_attributes(o.at("attributes").as_string());
    return a;
}

void put_route(TextSink& out, const RouteRecord& r) {
    JsonObject o(out);
    route_numbers(r, [&](std::string_view name, auto v) { o.number(name, v); });
    o.attributes("attributes", r.replayed);
}

// `[item,item,...]` of `put(out, item)` for each.
template <typename T, typename Put>
void put_array(TextSink& out, const std::vector<T>& items, Put put) {
    out.put('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out.put(',');
        put(out, items[i]);
    }
    out.put(']');
}

RouteRecord route_from(const json::object& o) {
    RouteRecord r;
    route_numbers(r, read_numbers_from(o));
    r.replayed = decode_attributes(o.at("attributes").as_string());
    return r;
}

// A per-device setting as ["ipv4","arp_ignore","1"].
void put_setting(TextSink& out, const DeviceSetting& s) {
    out.put('[');
    out.json_string(s.family);
    out.put(',');
    out.json_string(s.name);
    out.put(',');
    out.json_string(s.value);
    out.put(']');
}

void put_device(TextSink& out, const HostState& h, const std::string& requested) {
    JsonObject o(out);
    if (!requested.empty()) o.string("requested", requested);
    o.string("name", h.name);
    o.number("index", h.index);
    o.hex_bytes("identity", h.identity);
    o.hex_bytes("mac", h.mac);
    o.boolean("up", h.up);
    o.number("mtu", h.mtu);
    o.number("master", h.master);
    put_array(o.member("addresses"), h.addresses, put_address);
    put_array(o.member("routes"), h.routes, put_route);
    if (!h.settings.empty()) put_array(o.member("settings"), h.settings, put_setting);
}

HostState device_from(const json::object& d) {
    HostState h;
    h.name = text_of(d.at("name"));
    h.index = json::value_to<int>(d.at("index"));
    h.identity = unhex(d.at("identity").as_string());
    h.mac = unhex(d.at("mac").as_string());
    h.up = d.at("up").as_bool();
    h.mtu = json::value_to<std::uint32_t>(d.at("mtu"));
    h.master = json::value_to<int>(d.at("master"));
    for (const json::value& a : d.at("addresses").as_array())
        h.addresses.push_back(address_from(a.as_object()));
    for (const json::value& r : d.at("routes").as_array())
        h.routes.push_back(route_from(r.as_object()));
    if (const json::value* settings = d.if_contains("settings"))
        for (const json::value& v : settings->as_array()) {
            const json::array& t = v.as_array();
            h.settings.push_back({text_of(t.at(0)), text_of(t.at(1)), text_of(t.at(2))});
        }
    return h;
}

ContainerRecord header_from(std::string_view line) {
    json::value v = json::parse(line);
    const json::object& root = v.as_object();
    if (json::value_to<int>(root.at("version")) != 2) throw std::invalid_argument("version");
    ContainerRecord rec;
    rec.id = text_of(root.at("id"));
    rec.bundle = text_of(root.at("bundle"));
    rec.netns.dev = json::value_to<dev_t>(root.at("netns_dev"));
    rec.netns.ino = json::value_to<ino_t>(root.at("netns_ino"));
    rec.netns_path = text_of(root.at("netns_path"));
    rec.pin = text_of(root.at("pin"));
    if (const json::value* by = root.if_contains("moved_by")) rec.moved_by = text_of(*by);
    for (const json::value& dv : root.at("devices").as_array()) {
        DeviceRecord& d = rec.devices.emplace_back();
        d.host = device_from(dv.as_object());
        if (const json::value* req = dv.as_object().if_contains("requested"))
            d.requested = text_of(*req);
    }
    return rec;
}

DeviceRecord& step_device(ContainerRecord& rec, std::istringstream& in) {
    std::size_t i = rec.devices.size();
    if (!(in >> i) || i >= rec.devices.size()) throw std::invalid_argument("bad device number");
    return rec.devices[i];
}

void apply_step(ContainerRecord& rec, std::string_view line) {
    std::istringstream in{std::string(line)};
    std::string step;
    in >> step;
    if (step == "touch") {
        step_device(rec, in).phase = DevicePhase::touched;
    } else if (step == "configured") {
        DeviceRecord& d = step_device(rec, in);
        if (!(in >> d.container_index >> d.container_name)) throw std::invalid_argument(step);
        d.phase = DevicePhase::configured;
    } else if (step == "commit") {
        rec.committed = true;
    } else {
        throw std::invalid_argument("unknown step \"" + step + "\"");
    }
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}

constexpr std::size_t kIdBytesInName = 200;

}  // namespace

std::string record_file_name(const std::string& id, const std::string& bundle) {
    std::uint64_t h = fnv1a(id + '\0' + bundle);
    std::vector<std::uint8_t> bytes(8);
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(h >> (56 - 8 * i));
    // '@' is not a container id character (validate_container_id): the split is unambiguous.
    return id.substr(0, kIdBytesInName) + "@" + hex_string(bytes) + kRecordSuffix;
}

bool record_file_may_be_of(const std::string& file, const std::string& id) {
    return file.starts_with(id.substr(0, kIdBytesInName) + "@") && file.ends_with(kRecordSuffix);
}

std::string record_header(const ContainerRecord& rec, const std::vector<HostState>& more,
                          const std::vector<std::string>& more_requested) {
    std::size_t addresses = 0;
    for (const DeviceRecord& d : rec.devices) addresses += d.host.addresses.size();
    for (const HostState& h : more) addresses += h.addresses.size();
    // About 1.5 KB of header and settings, 160-190 bytes an address: written without regrowth
    // (the room is zero-filled: a few KB more than the text are touched).
    TextSink out(4096 + 192 * addresses);
    {
        JsonObject o(out);
        o.number("version", 2);
        o.string("id", rec.id);
        o.string("bundle", rec.bundle);
        o.number("netns_dev", rec.netns.dev);
        o.number("netns_ino", rec.netns.ino);
        o.string("netns_path", rec.netns_path);
        o.string("pin", rec.pin);
        if (!rec.moved_by.empty()) o.string("moved_by", rec.moved_by);
        TextSink& list = o.member("devices");
        list.put('[');
        for (const DeviceRecord& d : rec.devices) {
            if (list.back() != '[') list.put(',');
            put_device(list, d.host, d.requested);
        }
        for (std::size_t i = 0; i < more.size(); ++i) {
            if (list.back() != '[') list.put(',');
            put_device(list, more[i], i < more_requested.size() ? more_requested[i] : "");
        }
        list.put(']');
    }
    out.put('\n');
    return std::move(out).take();
}

std::string touch_step(std::size_t device) {
    return "touch " + std::to_string(device) + "\n";
}

std::string configured_step(std::size_t device, int container_index, const std::string& name) {
    return "configured " + std::to_string(device) + " " + std::to_string(container_index) + " " +
           name + "\n";
}

std::string record_steps(const ContainerRecord& rec) {
    std::string text;
    for (std::size_t i = 0; i < rec.devices.size(); ++i) {
        const DeviceRecord& d = rec.devices[i];
        if (d.phase == DevicePhase::touched) text += touch_step(i);
        if (d.phase == DevicePhase::configured)
            text += configured_step(i, d.container_index, d.container_name);
    }
    if (rec.committed) text += kCommitStep;
    return text;
}

std::string record_text(const ContainerRecord& rec) {
    return record_header(rec) + record_steps(rec);
}

ContainerRecord parse_record(const std::string& text, const std::string& what) {
    try {
        std::size_t end = text.find('\n');
        if (end == std::string::npos) throw std::invalid_argument("no header line");
        ContainerRecord rec = header_from(std::string_view(text).substr(0, end));
        // Each step line is complete once its newline is written; a torn last one (a crash
        // in the middle of the write) never happened.
        for (std::size_t start = end + 1; (end = text.find('\n', start)) != std::string::npos;
             start = end + 1)
            apply_step(rec, std::string_view(text).substr(start, end - start));
        return rec;
    } catch (const std::exception& e) {
        throw HookError(ExitCode::failed_restored, what + ": not a valid record: " + e.what());
    }
}

static const char* phase_name(DevicePhase p) {
    switch (p) {
        case DevicePhase::planned:
            return "not touched";
        case DevicePhase::touched:
            return "being moved";
        default:
            return "configured";
    }
}

std::string describe_record(const ContainerRecord& rec, const SettingFilter& shown) {
    std::string s =
        "container " + rec.id + " (bundle " + rec.bundle + ", netns " +
        (rec.netns_path.empty() ? "inode " + std::to_string(rec.netns.ino) : rec.netns_path) +
        (rec.pin.empty() ? "" : ", pinned") + (rec.committed ? "" : ", UNFINISHED") +
        (rec.moved_by.empty() ? "" : ", moved by the runtime " + rec.moved_by) + ")\n";
    for (const DeviceRecord& d : rec.devices) {
        const HostState& h = d.host;
        s += "  " + h.name + (d.requested.empty() ? "" : " [" + d.requested + "]") + " (ifindex " +
             std::to_string(h.index) + ", mac " + hex_string(h.identity) + ", " +
             (h.up ? "up" : "down") + ", mtu " + std::to_string(h.mtu) +
             (h.master ? ", master #" + std::to_string(h.master) : "") + ") -> " +
             (d.phase == DevicePhase::configured ? d.container_name : phase_name(d.phase)) + "\n";
        for (const AddressRecord& a : h.addresses) s += "      " + a.describe() + "\n";
        for (const RouteRecord& r : h.routes) s += "      route " + r.describe(h.name) + "\n";
        for (const DeviceSetting& c : h.settings)
            if (!shown || shown(c))
                s += "      " + c.family + "." + c.name + " = " + c.value + "\n";
    }
    return s;
}

}  // namespace netdev
