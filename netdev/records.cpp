#include "netdev/records.hpp"

#include <linux/netlink.h>

#include <boost/json.hpp>
#include <cstring>
#include <sstream>

#include "common/error.hpp"

namespace netdev {
namespace json = boost::json;
namespace {

std::string hex(const std::vector<std::uint8_t>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

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

// An address's attributes as one hex string in the kernel's own TLV encoding (nlattr header,
// payload, padding): a few JSON nodes per address, not one object per attribute. Objects are
// built member by member and moved into place: initializer lists would deep-copy nested
// arrays (both were most of the hook's CPU time for a device with 1024 addresses).
std::string encode_attributes(const std::vector<AddressAttribute>& attrs) {
    std::vector<std::uint8_t> tlv;
    for (const AddressAttribute& a : attrs) {
        const auto len = static_cast<std::uint16_t>(sizeof(nlattr) + a.data.size());
        nlattr hdr{len, a.type};
        const auto* h = reinterpret_cast<const std::uint8_t*>(&hdr);
        tlv.insert(tlv.end(), h, h + sizeof hdr);
        tlv.insert(tlv.end(), a.data.begin(), a.data.end());
        tlv.resize(tlv.size() + (NLA_ALIGN(len) - len), 0);
    }
    return hex(tlv);
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
        out.push_back({hdr.nla_type, std::vector<std::uint8_t>(p, p + hdr.nla_len - sizeof hdr)});
        off += NLA_ALIGN(hdr.nla_len);
    }
    return out;
}

json::object address_json(const AddressRecord& a, const json::storage_ptr& sp) {
    json::object o(sp);
    o["family"] = a.family;
    o["prefixlen"] = a.prefixlen;
    o["scope"] = a.scope;
    o["flags"] = a.flags;
    o["label"] = a.label;
    o["attributes"] = encode_attributes(a.replayed);
    return o;
}

AddressRecord address_from(const json::object& o) {
    AddressRecord a;
    a.family = json::value_to<std::uint8_t>(o.at("family"));
    a.prefixlen = json::value_to<std::uint8_t>(o.at("prefixlen"));
    a.scope = json::value_to<std::uint8_t>(o.at("scope"));
    a.flags = json::value_to<std::uint32_t>(o.at("flags"));
    a.label = json::value_to<std::string>(o.at("label"));
    a.replayed = decode_attributes(o.at("attributes").as_string());
    return a;
}

json::object route_json(const RouteRecord& r, const json::storage_ptr& sp) {
    json::object o(sp);
    o["family"] = r.family;
    o["dst_len"] = r.dst_len;
    o["src_len"] = r.src_len;
    o["tos"] = r.tos;
    o["protocol"] = r.protocol;
    o["scope"] = r.scope;
    o["type"] = r.type;
    o["flags"] = r.flags;
    o["table"] = r.table;
    o["attributes"] = encode_attributes(r.replayed);
    return o;
}

RouteRecord route_from(const json::object& o) {
    RouteRecord r;
    r.family = json::value_to<std::uint8_t>(o.at("family"));
    r.dst_len = json::value_to<std::uint8_t>(o.at("dst_len"));
    r.src_len = json::value_to<std::uint8_t>(o.at("src_len"));
    r.tos = json::value_to<std::uint8_t>(o.at("tos"));
    r.protocol = json::value_to<std::uint8_t>(o.at("protocol"));
    r.scope = json::value_to<std::uint8_t>(o.at("scope"));
    r.type = json::value_to<std::uint8_t>(o.at("type"));
    r.flags = json::value_to<std::uint32_t>(o.at("flags"));
    r.table = json::value_to<std::uint32_t>(o.at("table"));
    r.replayed = decode_attributes(o.at("attributes").as_string());
    return r;
}

json::object device_json(const HostState& h, const json::storage_ptr& sp) {
    json::array addrs(sp);
    addrs.reserve(h.addresses.size());
    for (const AddressRecord& a : h.addresses) addrs.emplace_back(address_json(a, sp));
    json::object o(sp);
    o["name"] = h.name;
    o["index"] = h.index;
    o["identity"] = hex(h.identity);
    o["mac"] = hex(h.mac);
    o["up"] = h.up;
    o["mtu"] = h.mtu;
    o["master"] = h.master;
    o["addresses"] = std::move(addrs);
    json::array routes(sp);
    for (const RouteRecord& r : h.routes) routes.emplace_back(route_json(r, sp));
    o["routes"] = std::move(routes);
    if (!h.settings.empty()) {
        json::array settings(sp);
        for (const DeviceSetting& d : h.settings)
            settings.emplace_back(json::array({d.family, d.name, d.value}, sp));
        o["settings"] = std::move(settings);
    }
    return o;
}

HostState device_from(const json::object& d) {
    HostState h;
    h.name = json::value_to<std::string>(d.at("name"));
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
            h.settings.push_back({json::value_to<std::string>(t.at(0)),
                                  json::value_to<std::string>(t.at(1)),
                                  json::value_to<std::string>(t.at(2))});
        }
    return h;
}

ContainerRecord header_from(std::string_view line) {
    json::value v = json::parse(line);
    const json::object& root = v.as_object();
    if (json::value_to<int>(root.at("version")) != 2) throw std::invalid_argument("version");
    ContainerRecord rec;
    rec.id = json::value_to<std::string>(root.at("id"));
    rec.bundle = json::value_to<std::string>(root.at("bundle"));
    rec.netns.dev = json::value_to<dev_t>(root.at("netns_dev"));
    rec.netns.ino = json::value_to<ino_t>(root.at("netns_ino"));
    rec.netns_path = json::value_to<std::string>(root.at("netns_path"));
    rec.pin = json::value_to<std::string>(root.at("pin"));
    for (const json::value& dv : root.at("devices").as_array()) {
        DeviceRecord& d = rec.devices.emplace_back();
        d.host = device_from(dv.as_object());
        if (const json::value* req = dv.as_object().if_contains("requested"))
            d.requested = json::value_to<std::string>(*req);
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
    return id.substr(0, kIdBytesInName) + "@" + hex(bytes) + kRecordSuffix;
}

bool record_file_may_be_of(const std::string& file, const std::string& id) {
    return file.starts_with(id.substr(0, kIdBytesInName) + "@") && file.ends_with(kRecordSuffix);
}

std::string record_header(const ContainerRecord& rec) {
    json::monotonic_resource arena;
    json::storage_ptr sp(&arena);
    json::array devices(sp);
    devices.reserve(rec.devices.size());
    for (const DeviceRecord& d : rec.devices) {
        json::object o = device_json(d.host, sp);
        if (!d.requested.empty()) o["requested"] = d.requested;
        devices.emplace_back(std::move(o));
    }
    json::object root(sp);
    root["version"] = 2;
    root["id"] = rec.id;
    root["bundle"] = rec.bundle;
    root["netns_dev"] = rec.netns.dev;
    root["netns_ino"] = rec.netns.ino;
    root["netns_path"] = rec.netns_path;
    root["pin"] = rec.pin;
    root["devices"] = std::move(devices);
    return json::serialize(root) + "\n";
}

std::string touch_step(std::size_t device) {
    return "touch " + std::to_string(device) + "\n";
}

std::string configured_step(std::size_t device, int container_index, const std::string& name) {
    return "configured " + std::to_string(device) + " " + std::to_string(container_index) + " " +
           name + "\n";
}

std::string record_text(const ContainerRecord& rec) {
    std::string text = record_header(rec);
    for (std::size_t i = 0; i < rec.devices.size(); ++i) {
        const DeviceRecord& d = rec.devices[i];
        if (d.phase == DevicePhase::touched) text += touch_step(i);
        if (d.phase == DevicePhase::configured)
            text += configured_step(i, d.container_index, d.container_name);
    }
    if (rec.committed) text += kCommitStep;
    return text;
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

std::string describe_record(const ContainerRecord& rec) {
    std::string s =
        "container " + rec.id + " (bundle " + rec.bundle + ", netns " +
        (rec.netns_path.empty() ? "inode " + std::to_string(rec.netns.ino) : rec.netns_path) +
        (rec.pin.empty() ? "" : ", pinned") + (rec.committed ? "" : ", UNFINISHED") + ")\n";
    for (const DeviceRecord& d : rec.devices) {
        const HostState& h = d.host;
        s += "  " + h.name + (d.requested.empty() ? "" : " [" + d.requested + "]") + " (ifindex " +
             std::to_string(h.index) + ", mac " + hex(h.identity) + ", " + (h.up ? "up" : "down") +
             ", mtu " + std::to_string(h.mtu) +
             (h.master ? ", master #" + std::to_string(h.master) : "") + ") -> " +
             (d.phase == DevicePhase::configured ? d.container_name : phase_name(d.phase)) + "\n";
        for (const AddressRecord& a : h.addresses) s += "      " + a.describe() + "\n";
        for (const RouteRecord& r : h.routes) s += "      route " + r.describe(h.name) + "\n";
        for (const DeviceSetting& c : h.settings)
            s += "      " + c.family + "." + c.name + " = " + c.value + "\n";
    }
    return s;
}

}  // namespace netdev
