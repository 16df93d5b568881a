#include "netdev/records.hpp"

#include <linux/netlink.h>

#include <boost/json.hpp>
#include <cstring>

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

}  // namespace

std::string record_to_json(const ContainerRecord& rec) {
    json::monotonic_resource arena;
    json::storage_ptr sp(&arena);
    json::array devices(sp);
    for (const DeviceRecord& d : rec.devices) {
        json::array addrs(sp);
        addrs.reserve(d.addresses.size());
        for (const AddressRecord& a : d.addresses) addrs.emplace_back(address_json(a, sp));
        json::object o(sp);
        o["host_name"] = d.host_name;
        o["host_index"] = d.host_index;
        o["mac"] = hex(d.mac);
        o["was_up"] = d.was_up;
        o["mtu"] = d.mtu;
        o["addresses"] = std::move(addrs);
        o["container_name"] = d.container_name;
        o["container_index"] = d.container_index;
        if (!d.requested.empty()) o["requested"] = d.requested;
        devices.emplace_back(std::move(o));
    }
    json::object root(sp);
    root["version"] = 1;
    root["id"] = rec.id;
    root["netns_dev"] = rec.netns.dev;
    root["netns_ino"] = rec.netns.ino;
    root["netns_path"] = rec.netns_path;
    root["devices"] = std::move(devices);
    return json::serialize(root) + "\n";
}

ContainerRecord record_from_json(const std::string& text, const std::string& what) {
    try {
        json::value v = json::parse(text);
        const json::object& root = v.as_object();
        ContainerRecord rec;
        rec.id = json::value_to<std::string>(root.at("id"));
        rec.netns.dev = json::value_to<dev_t>(root.at("netns_dev"));
        rec.netns.ino = json::value_to<ino_t>(root.at("netns_ino"));
        rec.netns_path = json::value_to<std::string>(root.at("netns_path"));
        for (const json::value& dv : root.at("devices").as_array()) {
            const json::object& d = dv.as_object();
            DeviceRecord r;
            r.host_name = json::value_to<std::string>(d.at("host_name"));
            r.host_index = json::value_to<int>(d.at("host_index"));
            r.mac = unhex(d.at("mac").as_string());
            r.was_up = d.at("was_up").as_bool();
            r.mtu = json::value_to<std::uint32_t>(d.at("mtu"));
            for (const json::value& a : d.at("addresses").as_array())
                r.addresses.push_back(address_from(a.as_object()));
            r.container_name = json::value_to<std::string>(d.at("container_name"));
            r.container_index = json::value_to<int>(d.at("container_index"));
            if (const json::value* req = d.if_contains("requested"))
                r.requested = json::value_to<std::string>(*req);
            rec.devices.push_back(std::move(r));
        }
        return rec;
    } catch (const std::exception& e) {
        throw HookError(ExitCode::failed_restored, what + ": not a valid record: " + e.what());
    }
}

std::string describe_record(const ContainerRecord& rec) {
    std::string s =
        "container " + rec.id + " (netns " +
        (rec.netns_path.empty() ? "inode " + std::to_string(rec.netns.ino) : rec.netns_path) +
        ")\n";
    for (const DeviceRecord& d : rec.devices) {
        s += "  " + d.host_name + (d.requested.empty() ? "" : " [" + d.requested + "]") +
             " (ifindex " + std::to_string(d.host_index) + ", mac " + hex(d.mac) + ", " +
             (d.was_up ? "up" : "down") + ", mtu " + std::to_string(d.mtu) + ") -> " +
             d.container_name + "\n";
        for (const AddressRecord& a : d.addresses) s += "      " + a.describe() + "\n";
    }
    return s;
}

}  // namespace netdev
