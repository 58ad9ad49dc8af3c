// ByteReader: a bounds-checked little-endian cursor over the bytes of one binlog event, and the
// fixed-width loads the decoders share. Reading past the end throws Error(Data) naming the field.
// Thread: pipeline (any thread that owns the bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace starcdc::mysql::binlog {

// Throws Error(Data): "Truncated binlog data while reading <what>."
[[noreturn]] void throw_truncated(const char* what);
// Throws Error(Data) with `message` as is.
[[noreturn]] void throw_malformed(const std::string_view message);

inline uint64_t load_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; --i) {
    v = (v << 8) | p[i - 1];
  }
  return v;
}
inline uint64_t load_be(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v = (v << 8) | p[i];
  }
  return v;
}
inline uint16_t load_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline uint32_t load_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
inline uint64_t load_le64(const uint8_t* p) {
  return static_cast<uint64_t>(load_le32(p)) | (static_cast<uint64_t>(load_le32(p + 4)) << 32);
}
inline std::string_view as_chars(std::span<const uint8_t> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  explicit ByteReader(std::span<const uint8_t> s) : ByteReader(s.data(), s.size()) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }
  const uint8_t* data() const { return p_; }

  void need(size_t n, const char* what) const {
    if (n > remaining()) {
      throw_truncated(what);
    }
  }
  uint8_t u8(const char* what = "an integer") {
    need(1, what);
    return *p_++;
  }
  uint16_t u16(const char* what = "an integer") {
    need(2, what);
    const uint16_t v = load_le16(p_);
    p_ += 2;
    return v;
  }
  uint32_t u24(const char* what = "an integer") { return static_cast<uint32_t>(uint_le(3, what)); }
  uint32_t u32(const char* what = "an integer") {
    need(4, what);
    const uint32_t v = load_le32(p_);
    p_ += 4;
    return v;
  }
  uint64_t u64(const char* what = "an integer") {
    need(8, what);
    const uint64_t v = load_le64(p_);
    p_ += 8;
    return v;
  }
  // n bytes (0..8), little-endian.
  uint64_t uint_le(size_t n, const char* what = "an integer") {
    need(n, what);
    const uint64_t v = load_le(p_, n);
    p_ += n;
    return v;
  }
  uint64_t uint_be(size_t n, const char* what = "an integer") {
    need(n, what);
    const uint64_t v = load_be(p_, n);
    p_ += n;
    return v;
  }
  // Length-encoded integer (net_field_length_ll): < 0xFB itself, 0xFC +2, 0xFD +3, 0xFE +8.
  uint64_t lenenc(const char* what = "a length-encoded integer") {
    const uint8_t first = u8(what);
    if (first < 0xFB) {
      return first;
    }
    if (first == 0xFC) {
      return uint_le(2, what);
    }
    if (first == 0xFD) {
      return uint_le(3, what);
    }
    if (first == 0xFE) {
      return uint_le(8, what);
    }
    throw_truncated(what);  // 0xFB (NULL) and 0xFF never appear in binlog lengths
  }
  std::span<const uint8_t> bytes(size_t n, const char* what = "bytes") {
    need(n, what);
    const std::span<const uint8_t> s(p_, n);
    p_ += n;
    return s;
  }
  std::string_view str(size_t n, const char* what = "a string") { return as_chars(bytes(n, what)); }
  void skip(size_t n, const char* what = "bytes") {
    need(n, what);
    p_ += n;
  }
  std::span<const uint8_t> rest() {
    const std::span<const uint8_t> s(p_, remaining());
    p_ = end_;
    return s;
  }

 private:
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
};

}  // namespace starcdc::mysql::binlog
