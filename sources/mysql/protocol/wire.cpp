#include "sources/mysql/protocol/wire.hpp"

#include <algorithm>
#include <cstring>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::protocol {
namespace {

// Length-encoded integer prefixes (MariaDB docs, protocol data types; MySQL "Integer Types").
constexpr uint8_t kLenencNull = 0xFB;
constexpr uint8_t kLenenc2 = 0xFC;
constexpr uint8_t kLenenc3 = 0xFD;
constexpr uint8_t kLenenc8 = 0xFE;

}  // namespace

ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void WireReader::fail() const {
  throw Error(ErrorKind::Transient, std::string("malformed ") + what_ + " packet from the server",
              {}, "the server or something between us and it sent bytes we cannot parse");
}

void WireReader::need(size_t n) const {
  if (remaining() < n) {
    fail();
  }
}

uint8_t WireReader::u8() {
  need(1);
  return data_[pos_++];
}

namespace {

uint64_t read_le(const uint8_t* p, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) {
    v = (v << 8) | p[i];
  }
  return v;
}

}  // namespace

uint16_t WireReader::u16() {
  need(2);
  const auto v = static_cast<uint16_t>(read_le(data_.data() + pos_, 2));
  pos_ += 2;
  return v;
}

uint32_t WireReader::u24() {
  need(3);
  const auto v = static_cast<uint32_t>(read_le(data_.data() + pos_, 3));
  pos_ += 3;
  return v;
}

uint32_t WireReader::u32() {
  need(4);
  const auto v = static_cast<uint32_t>(read_le(data_.data() + pos_, 4));
  pos_ += 4;
  return v;
}

uint64_t WireReader::u48() {
  need(6);
  const uint64_t v = read_le(data_.data() + pos_, 6);
  pos_ += 6;
  return v;
}

uint64_t WireReader::u64() {
  need(8);
  const uint64_t v = read_le(data_.data() + pos_, 8);
  pos_ += 8;
  return v;
}

std::optional<uint64_t> WireReader::lenenc_or_null() {
  const uint8_t first = u8();
  if (first < kLenencNull) {
    return first;
  }
  switch (first) {
    case kLenencNull:
      return std::nullopt;
    case kLenenc2:
      return u16();
    case kLenenc3:
      return u24();
    case kLenenc8:
      return u64();
    default:
      fail();
  }
}

uint64_t WireReader::lenenc() {
  const auto v = lenenc_or_null();
  if (!v) {
    fail();
  }
  return *v;
}

std::optional<std::string_view> WireReader::lenenc_string_or_null() {
  const auto n = lenenc_or_null();
  if (!n) {
    return std::nullopt;
  }
  if (*n > remaining()) {
    fail();
  }
  return as_chars(bytes(static_cast<size_t>(*n)));
}

std::string_view WireReader::lenenc_string() {
  const auto s = lenenc_string_or_null();
  if (!s) {
    fail();
  }
  return *s;
}

std::string_view WireReader::null_terminated() {
  const auto* begin = data_.data() + pos_;
  const auto* end = data_.data() + data_.size();
  const auto* nul = std::find(begin, end, uint8_t{0});
  if (nul == end) {
    fail();
  }
  const auto n = static_cast<size_t>(nul - begin);
  pos_ += n + 1;
  return {reinterpret_cast<const char*>(begin), n};
}

std::string_view WireReader::null_terminated_or_rest() {
  const auto* begin = data_.data() + pos_;
  const auto* end = data_.data() + data_.size();
  const auto* nul = std::find(begin, end, uint8_t{0});
  const auto n = static_cast<size_t>(nul - begin);
  pos_ += nul == end ? n : n + 1;
  return {reinterpret_cast<const char*>(begin), n};
}

ByteView WireReader::bytes(size_t n) {
  need(n);
  const ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

ByteView WireReader::rest() { return bytes(remaining()); }

void WireReader::skip(size_t n) {
  need(n);
  pos_ += n;
}

void WireWriter::fixed(uint64_t v, int width) {
  for (int i = 0; i < width; ++i) {
    out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
}

void WireWriter::lenenc(uint64_t v) {
  if (v < kLenencNull) {
    out_.push_back(static_cast<uint8_t>(v));
  } else if (v <= 0xFFFF) {
    out_.push_back(kLenenc2);
    fixed(v, 2);
  } else if (v <= 0xFFFFFF) {
    out_.push_back(kLenenc3);
    fixed(v, 3);
  } else {
    out_.push_back(kLenenc8);
    fixed(v, 8);
  }
}

void WireWriter::lenenc_string(std::string_view s) { lenenc_bytes(as_bytes(s)); }

void WireWriter::lenenc_bytes(ByteView b) {
  lenenc(b.size());
  bytes(b);
}

void WireWriter::null_terminated(std::string_view s) {
  chars(s);
  out_.push_back(0);
}

void WireWriter::bytes(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }

void WireWriter::chars(std::string_view s) { bytes(as_bytes(s)); }

void WireWriter::zeros(size_t n) { out_.insert(out_.end(), n, uint8_t{0}); }

size_t lenenc_size(uint64_t v) {
  if (v < kLenencNull) {
    return 1;
  }
  if (v <= 0xFFFF) {
    return 3;
  }
  if (v <= 0xFFFFFF) {
    return 4;
  }
  return 9;
}

}  // namespace starcdc::mysql::protocol
