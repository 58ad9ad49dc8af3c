// WireReader / WireWriter: the integer and string encodings of the MySQL client protocol
// (little-endian fixed-width ints, length-encoded ints and strings, NUL-terminated strings).
// Pure, no I/O. A read past the end throws Error(Transient) "malformed <what> packet".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace starcdc::mysql::protocol {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

ByteView as_bytes(std::string_view s);
std::string_view as_chars(ByteView b);

// Reads a packet payload front to back. `what` names the packet in error messages.
class WireReader {
 public:
  WireReader(ByteView data, const char* what) : data_(data), what_(what) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  size_t position() const { return pos_; }

  uint8_t u8();
  uint16_t u16();
  uint32_t u24();
  uint32_t u32();
  uint64_t u48();
  uint64_t u64();
  // Length-encoded integer: < 0xFB itself, 0xFC + int<2>, 0xFD + int<3>, 0xFE + int<8>. 0xFB is
  // SQL NULL (text rows only): nullopt. 0xFF is not a valid prefix.
  std::optional<uint64_t> lenenc_or_null();
  uint64_t lenenc();
  std::optional<std::string_view> lenenc_string_or_null();
  std::string_view lenenc_string();
  std::string_view null_terminated();
  // The NUL-terminated string, or the rest when no NUL follows (some servers omit the last one).
  std::string_view null_terminated_or_rest();
  ByteView bytes(size_t n);
  ByteView rest();
  void skip(size_t n);

  [[noreturn]] void fail() const;

 private:
  void need(size_t n) const;

  ByteView data_;
  size_t pos_ = 0;
  const char* what_;
};

// Appends protocol encodings to a byte vector.
class WireWriter {
 public:
  explicit WireWriter(Bytes& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { fixed(v, 2); }
  void u24(uint32_t v) { fixed(v, 3); }
  void u32(uint32_t v) { fixed(v, 4); }
  void u64(uint64_t v) { fixed(v, 8); }
  void fixed(uint64_t v, int width);
  void lenenc(uint64_t v);
  void lenenc_string(std::string_view s);
  void lenenc_bytes(ByteView b);
  void null_terminated(std::string_view s);
  void bytes(ByteView b);
  void chars(std::string_view s);
  void zeros(size_t n);

 private:
  Bytes& out_;
};

// Size in bytes of the length-encoded form of `v`.
size_t lenenc_size(uint64_t v);

}  // namespace starcdc::mysql::protocol
