#include "sources/mysql/binlog/json_binary.hpp"

#include <charconv>
#include <cstring>
#include <string_view>

#include "pipeline/common/byte_buffer.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/column_type.hpp"
#include "sources/mysql/binlog/decimal.hpp"
#include "sources/mysql/binlog/temporal.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr int kMaxDepth = 150;  // MySQL allows 100 levels

[[noreturn]] void bad_json(const char* what) {
  throw_malformed(std::string("Malformed binary JSON: ") + what + ".");
}

void append_double(ByteBuffer& out, double d) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  const std::string_view s(buf, static_cast<size_t>(end - buf));
  out.append(s);
  if (s.find_first_of(".eEni") == std::string_view::npos) {
    out.append(".0");
  }
}

void append_opaque(uint8_t field_type, std::span<const uint8_t> v, ByteBuffer& out) {
  const auto type = static_cast<ColumnType>(field_type);
  if (type == ColumnType::NewDecimal && v.size() >= 2) {
    const int precision = v[0];
    const int scale = v[1];
    if (precision >= 1 && precision <= 65 && scale <= precision && scale <= 30 &&
        decimal_bin_size(precision, scale) <= v.size() - 2) {
      char buf[72];
      const size_t n = decimal_to_text(v.data() + 2, precision, scale, buf);
      if (n > 0) {
        out.append(std::string_view(buf, n));
        return;
      }
    }
    bad_json("an opaque DECIMAL is invalid");
  }
  const bool temporal = type == ColumnType::Date || type == ColumnType::DateTime ||
                        type == ColumnType::Timestamp || type == ColumnType::Time ||
                        type == ColumnType::DateTime2 || type == ColumnType::Timestamp2 ||
                        type == ColumnType::Time2;
  if (temporal && v.size() >= 8) {
    const auto packed = static_cast<int64_t>(load_le64(v.data()));
    char buf[40];
    size_t n = 0;
    if (type == ColumnType::Time || type == ColumnType::Time2) {
      n = format_time(unpack_time(packed), 6, buf);
    } else {
      // Only TIME is signed, and the text has four year digits (MySQL's range is 0..9999).
      const CivilDateTime t = unpack_datetime(packed);
      if (t.negative || t.year > 9999) {
        bad_json("an opaque DATE or DATETIME is out of range");
      }
      n = type == ColumnType::Date ? format_date(t, buf) : format_datetime(t, 6, buf);
    }
    out.push_back('"');
    out.append(std::string_view(buf, n));
    out.push_back('"');
    return;
  }
  out.append("\"base64:type");
  out.append_int(static_cast<unsigned>(field_type));
  out.push_back(':');
  append_base64(out, std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  out.push_back('"');
}

class JsonWriter {
 public:
  explicit JsonWriter(ByteBuffer& out) : out_(out) {}

  // A value of `type` whose bytes start at data[pos]; `data` bounds what it may read.
  void value(uint8_t type, std::span<const uint8_t> data, size_t pos, int depth) {
    if (depth > kMaxDepth) {
      bad_json("nesting is too deep");
    }
    auto need = [&](size_t n) {
      if (pos > data.size() || n > data.size() - pos) {
        bad_json("a value runs past its container");
      }
    };
    const uint8_t* p = data.data() + pos;
    switch (static_cast<JsonType>(type)) {
      case JsonType::SmallObject:
      case JsonType::LargeObject:
      case JsonType::SmallArray:
      case JsonType::LargeArray:
        container(type, data.subspan(pos), depth);
        return;
      case JsonType::Literal:
        need(1);
        literal(p[0]);
        return;
      case JsonType::Int16:
        need(2);
        out_.append_int(static_cast<int16_t>(load_le16(p)));
        return;
      case JsonType::UInt16:
        need(2);
        out_.append_int(load_le16(p));
        return;
      case JsonType::Int32:
        need(4);
        out_.append_int(static_cast<int32_t>(load_le32(p)));
        return;
      case JsonType::UInt32:
        need(4);
        out_.append_int(load_le32(p));
        return;
      case JsonType::Int64:
        need(8);
        out_.append_int(static_cast<int64_t>(load_le64(p)));
        return;
      case JsonType::UInt64:
        need(8);
        out_.append_int(load_le64(p));
        return;
      case JsonType::Double: {
        need(8);
        double d = 0;
        const uint64_t bits = load_le64(p);
        std::memcpy(&d, &bits, sizeof(d));
        append_double(out_, d);
        return;
      }
      case JsonType::String: {
        uint32_t len = 0;
        if (!read_json_varint(data, pos, len)) {
          bad_json("a string length is invalid");
        }
        need(len);
        out_.push_back('"');
        append_json_escaped(out_, as_chars(data.subspan(pos, len)));
        out_.push_back('"');
        return;
      }
      case JsonType::Opaque: {
        need(1);
        const uint8_t field_type = data[pos++];
        uint32_t len = 0;
        if (!read_json_varint(data, pos, len)) {
          bad_json("an opaque length is invalid");
        }
        need(len);
        append_opaque(field_type, data.subspan(pos, len), out_);
        return;
      }
    }
    bad_json("a value has an unknown type");
  }

 private:
  void literal(uint8_t v) {
    switch (v) {
      case 0x00:
        out_.append("null");
        return;
      case 0x01:
        out_.append("true");
        return;
      case 0x02:
        out_.append("false");
        return;
      default:
        bad_json("a literal is invalid");
    }
  }

  // An object or array; `c` starts at its element count. Offsets are relative to c[0].
  void container(uint8_t type, std::span<const uint8_t> c, int depth) {
    const bool large = type == static_cast<uint8_t>(JsonType::LargeObject) ||
                       type == static_cast<uint8_t>(JsonType::LargeArray);
    const bool object = type == static_cast<uint8_t>(JsonType::SmallObject) ||
                        type == static_cast<uint8_t>(JsonType::LargeObject);
    const size_t off = large ? 4 : 2;
    if (c.size() < 2 * off) {
      bad_json("a container header is truncated");
    }
    const uint64_t count = load_le(c.data(), off);
    const uint64_t size = load_le(c.data() + off, off);
    if (size > c.size() || size < 2 * off) {
      bad_json("a container size is out of range");
    }
    c = c.first(size);
    const size_t key_entry = off + 2;
    const size_t value_entry = 1 + off;
    const uint64_t header = 2 * off + count * ((object ? key_entry : 0) + value_entry);
    if (header > size) {
      bad_json("a container's entries run past its size");
    }
    out_.push_back(object ? '{' : '[');
    const size_t values_at = 2 * off + (object ? count * key_entry : 0);
    for (uint64_t i = 0; i < count; ++i) {
      if (i > 0) {
        out_.push_back(',');
      }
      if (object) {
        const size_t k = 2 * off + i * key_entry;
        const uint64_t key_off = load_le(c.data() + k, off);
        const uint16_t key_len = load_le16(c.data() + k + off);
        if (key_off < header || key_off + key_len > size) {
          bad_json("a key is out of range");
        }
        out_.push_back('"');
        append_json_escaped(out_, as_chars(c.subspan(key_off, key_len)));
        out_.append("\":");
      }
      const size_t e = values_at + i * value_entry;
      const uint8_t vt = c[e];
      const bool inlined = vt == static_cast<uint8_t>(JsonType::Literal) ||
                           vt == static_cast<uint8_t>(JsonType::Int16) ||
                           vt == static_cast<uint8_t>(JsonType::UInt16) ||
                           (large && (vt == static_cast<uint8_t>(JsonType::Int32) ||
                                      vt == static_cast<uint8_t>(JsonType::UInt32)));
      if (inlined) {
        value(vt, c, e + 1, depth + 1);
      } else {
        const uint64_t value_off = load_le(c.data() + e + 1, off);
        if (value_off < header || value_off >= size) {
          bad_json("a value offset is out of range");
        }
        value(vt, c, value_off, depth + 1);
      }
    }
    out_.push_back(object ? '}' : ']');
  }

  ByteBuffer& out_;
};

}  // namespace

bool read_json_varint(std::span<const uint8_t> data, size_t& pos, uint32_t& value) {
  uint64_t v = 0;
  for (int i = 0; i < 5; ++i) {
    if (pos >= data.size()) {
      return false;
    }
    const uint8_t b = data[pos++];
    v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) {
      if (v > 0xFFFFFFFFULL) {
        return false;
      }
      value = static_cast<uint32_t>(v);
      return true;
    }
  }
  return false;
}

void append_json_value(uint8_t type, std::span<const uint8_t> data, ByteBuffer& out) {
  JsonWriter(out).value(type, data, 0, 0);
}

void append_json_document(std::span<const uint8_t> doc, ByteBuffer& out) {
  if (doc.empty()) {
    out.append("null");
    return;
  }
  append_json_value(doc[0], doc.subspan(1), out);
}

}  // namespace starcdc::mysql::binlog
