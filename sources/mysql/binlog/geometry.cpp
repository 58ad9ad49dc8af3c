#include "sources/mysql/binlog/geometry.hpp"

#include <bit>
#include <charconv>
#include <cstring>
#include <string>

#include "pipeline/common/byte_buffer.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr int kMaxDepth = 32;

enum WkbType : uint32_t {
  kPoint = 1,
  kLineString = 2,
  kPolygon = 3,
  kMultiPoint = 4,
  kMultiLineString = 5,
  kMultiPolygon = 6,
  kGeometryCollection = 7,
};

[[noreturn]] void bad_wkb(const char* what) {
  throw_malformed(std::string("Malformed geometry value: ") + what + ".");
}

class WkbReader {
 public:
  WkbReader(std::span<const uint8_t> data, ByteBuffer& out) : data_(data), out_(out) {}

  void geometry(int depth, bool with_name) {
    if (depth > kMaxDepth) {
      bad_wkb("nesting is too deep");
    }
    const uint8_t order = byte();
    if (order > 1) {
      bad_wkb("the byte order is invalid");
    }
    little_ = order == 1;
    const uint32_t type = u32();
    static constexpr const char* kNames[] = {
        "",           "POINT",           "LINESTRING",   "POLYGON",
        "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"};
    if (type < kPoint || type > kGeometryCollection) {
      bad_wkb("the geometry type is unknown");
    }
    if (with_name) {
      out_.append(kNames[type]);
    }
    switch (type) {
      case kPoint:
        out_.push_back('(');
        point();
        out_.push_back(')');
        return;
      case kLineString:
        points();
        return;
      case kPolygon:
        rings();
        return;
      case kMultiPoint:
      case kMultiLineString:
      case kMultiPolygon: {
        const uint32_t n = count(9);
        out_.push_back('(');
        for (uint32_t i = 0; i < n; ++i) {
          if (i > 0) {
            out_.push_back(',');
          }
          geometry(depth + 1, false);  // a POINT child prints its own parentheses
        }
        out_.push_back(')');
        return;
      }
      case kGeometryCollection: {
        const uint32_t n = count(9);
        if (n == 0) {
          out_.append(" EMPTY");
          return;
        }
        out_.push_back('(');
        for (uint32_t i = 0; i < n; ++i) {
          if (i > 0) {
            out_.push_back(',');
          }
          geometry(depth + 1, true);
        }
        out_.push_back(')');
        return;
      }
      default:
        bad_wkb("the geometry type is unknown");
    }
  }

  bool done() const { return pos_ == data_.size(); }

 private:
  uint8_t byte() {
    if (pos_ >= data_.size()) {
      bad_wkb("it is truncated");
    }
    return data_[pos_++];
  }
  uint64_t fixed(size_t n) {
    if (n > data_.size() - pos_) {
      bad_wkb("it is truncated");
    }
    const uint64_t v = little_ ? load_le(data_.data() + pos_, n) : load_be(data_.data() + pos_, n);
    pos_ += n;
    return v;
  }
  uint32_t u32() { return static_cast<uint32_t>(fixed(4)); }
  // A count of items of at least `min_bytes` each, checked against what is left.
  uint32_t count(size_t min_bytes) {
    const uint32_t n = u32();
    if (n > (data_.size() - pos_) / min_bytes) {
      bad_wkb("a count exceeds the data");
    }
    return n;
  }
  void number() {
    const uint64_t bits = fixed(8);
    double d = 0;
    std::memcpy(&d, &bits, sizeof(d));
    if (d == 0) {
      d = 0;  // no "-0"
    }
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
    out_.append(std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  void point() {
    number();
    out_.push_back(' ');
    number();
  }
  void points() {
    const uint32_t n = count(16);
    out_.push_back('(');
    for (uint32_t i = 0; i < n; ++i) {
      if (i > 0) {
        out_.push_back(',');
      }
      point();
    }
    out_.push_back(')');
  }
  void rings() {
    const uint32_t n = count(4);
    out_.push_back('(');
    for (uint32_t i = 0; i < n; ++i) {
      if (i > 0) {
        out_.push_back(',');
      }
      points();
    }
    out_.push_back(')');
  }

  std::span<const uint8_t> data_;
  ByteBuffer& out_;
  size_t pos_ = 0;
  bool little_ = true;
};

}  // namespace

uint32_t append_geometry_wkt(std::span<const uint8_t> value, bool srid_prefix, ByteBuffer& out) {
  if (value.size() < 4) {
    bad_wkb("it is shorter than its SRID");
  }
  const uint32_t srid = load_le32(value.data());
  if (srid_prefix) {
    out.append("SRID=");
    out.append_int(srid);
    out.push_back(';');
  }
  WkbReader r(value.subspan(4), out);
  r.geometry(0, true);
  if (!r.done()) {
    bad_wkb("bytes follow the geometry");
  }
  return srid;
}

}  // namespace starcdc::mysql::binlog
