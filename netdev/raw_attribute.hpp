#pragma once
// A netlink attribute kept as it came from the kernel ({type, payload}), so addresses and
// routes are snapshotted, replayed and recorded the same way; and IP text for messages.
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

struct nlattr;

namespace netdev {

// An attribute's payload. Up to 24 bytes (an address, IFA_CACHEINFO, a number) are held in
// place, longer ones (RTA_MULTIPATH) on the heap: a device's addresses are snapshotted by
// the hundred on every run, and three allocations an address were a fifth of a run's
// instructions.
class AttributeBytes {
  public:
    AttributeBytes() noexcept : size_(0) {}
    AttributeBytes(std::span<const std::uint8_t> bytes) { assign(bytes); }
    AttributeBytes(const std::vector<std::uint8_t>& bytes) : AttributeBytes(std::span(bytes)) {}
    AttributeBytes(std::initializer_list<std::uint8_t> bytes)
        : AttributeBytes(std::span(bytes.begin(), bytes.size())) {}
    AttributeBytes(const AttributeBytes& o) : AttributeBytes(o.span()) {}
    AttributeBytes(AttributeBytes&& o) noexcept : size_(o.size_), store_(o.store_) { o.size_ = 0; }
    AttributeBytes& operator=(AttributeBytes o) noexcept {
        std::swap(size_, o.size_);
        std::swap(store_, o.store_);
        return *this;
    }
    ~AttributeBytes() {
        if (on_heap()) delete[] store_.heap;
    }

    const std::uint8_t* data() const noexcept { return on_heap() ? store_.heap : store_.local; }
    std::uint8_t* data() noexcept { return on_heap() ? store_.heap : store_.local; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const std::uint8_t* begin() const noexcept { return data(); }
    const std::uint8_t* end() const noexcept { return data() + size_; }
    std::uint8_t operator[](std::size_t i) const noexcept { return data()[i]; }
    std::span<const std::uint8_t> span() const noexcept { return {data(), size_}; }
    operator std::span<const std::uint8_t>() const noexcept { return span(); }
    std::vector<std::uint8_t> to_vector() const { return {begin(), end()}; }
    friend bool operator==(const AttributeBytes& a, const AttributeBytes& b) noexcept {
        return a.size_ == b.size_ && std::memcmp(a.data(), b.data(), a.size_) == 0;
    }

  private:
    static constexpr std::size_t kLocalBytes = 24;
    bool on_heap() const noexcept { return size_ > kLocalBytes; }
    void assign(std::span<const std::uint8_t> bytes) {
        size_ = static_cast<std::uint32_t>(bytes.size());
        if (on_heap()) store_.heap = new std::uint8_t[size_];
        if (size_) std::memcpy(data(), bytes.data(), size_);
    }
    std::uint32_t size_;
    union {
        std::uint8_t local[kLocalBytes];
        std::uint8_t* heap;
    } store_;
};

struct RawAttribute {
    std::uint16_t type;  // IFA_*, RTA_*
    AttributeBytes data;
};

// A copy of a netlink attribute as received.
RawAttribute raw_attribute(const nlattr* attr);

// The first attribute of `type`, or nullptr.
const RawAttribute* find_raw(const std::vector<RawAttribute>& attrs, std::uint16_t type);

// "192.0.2.1", "2001:db8::1"; "?" when `data` is not an address of `family`.
std::string ip_text(std::uint8_t family, std::span<const std::uint8_t> data);

// Whether `addr` lies in `prefix`/`prefix_len` (both raw addresses of one family).
bool prefix_contains(std::span<const std::uint8_t> prefix, unsigned prefix_len,
                     std::span<const std::uint8_t> addr);

}  // namespace netdev
