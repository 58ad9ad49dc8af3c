// Column value layouts: sql/field.cc Field_*::pack/unpack and the binary formats of
// sql-common/my_time.cc (my_datetime_packed_from_binary, my_time_packed_from_binary,
// my_timestamp_from_binary) and strings/decimal.cc (bin2decimal).
#include "sources/mysql/binlog/value_decoder.hpp"

#include <bit>
#include <cstring>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/decimal.hpp"
#include "sources/mysql/binlog/geometry.hpp"
#include "sources/mysql/binlog/json_binary.hpp"
#include "sources/mysql/binlog/temporal.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr uint64_t kDatetimeIntOffset = 0x8000000000ULL;  // DATETIMEF_INT_OFS
constexpr int64_t kTimeIntOffset = 0x800000;              // TIMEF_INT_OFS
constexpr int64_t kTimeOffset = 0x800000000000LL;         // TIMEF_OFS

[[noreturn]] void column_error(const TableMap& t, size_t index, const std::string& what) {
  throw Error(ErrorKind::Data, "Column " + column_where(t, index) + ": " + what,
              column_where(t, index));
}

// Fractional seconds of the "2" temporal types: (fsp + 1) / 2 big-endian bytes, scaled to µs.
uint32_t read_fraction(ByteReader& r, int fsp) {
  switch (fsp) {
    case 1:
    case 2:
      return static_cast<uint32_t>(r.u8("a fraction")) * 10000U;
    case 3:
    case 4:
      return static_cast<uint32_t>(r.uint_be(2, "a fraction")) * 100U;
    case 5:
    case 6:
      return static_cast<uint32_t>(r.uint_be(3, "a fraction"));
    default:
      return 0;
  }
}

int64_t sign_extend(uint64_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

Value integer(const ColumnDef& c, uint64_t raw, int bits) {
  if (c.is_unsigned) {
    return Value::uint64(raw);
  }
  return Value::int64(sign_extend(raw, bits));
}

int64_t time_micros(const CivilDateTime& t) {
  const int64_t v =
      ((static_cast<int64_t>(t.hour) * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond +
      t.micros;
  return t.negative ? -v : v;
}

}  // namespace

std::string column_where(const TableMap& t, size_t index) {
  std::string s = t.database + "." + t.table + ".";
  if (index < t.columns.size() && !t.columns[index].name.empty()) {
    return s + t.columns[index].name;
  }
  return s + "#" + std::to_string(index);
}

std::span<const uint8_t> ValueDecoder::read_prefixed(const ColumnDef& c, ByteReader& r) {
  const uint64_t len = r.uint_le(c.length_bytes, "a value length");
  return r.bytes(len, "a value");
}

Value ValueDecoder::arena_text(ValueKind kind, std::string_view s) {
  return Value::view(kind, arena_.copy(s));
}

Value ValueDecoder::json_value(std::span<const uint8_t> doc) {
  scratch_.clear();
  append_json_document(doc, scratch_);
  return arena_text(ValueKind::Json, scratch_.view());
}

Value ValueDecoder::text(const TableMap& t, size_t index, std::span<const uint8_t> bytes,
                         bool fixed) {
  const ColumnDef& c = t.columns[index];
  if (c.charset == Charset::Binary) {
    if (fixed && options_.pad_binary && bytes.size() < c.max_bytes) {
      char* p = arena_.allocate(c.max_bytes);
      std::memcpy(p, bytes.data(), bytes.size());
      std::memset(p + bytes.size(), 0, c.max_bytes - bytes.size());
      return Value::view(ValueKind::Bytes, std::string_view(p, c.max_bytes));
    }
    return Value::view(ValueKind::Bytes, as_chars(bytes));
  }
  if (c.charset == Charset::Unknown && c.kind == DecodeKind::Blob) {
    return Value::view(ValueKind::Bytes, as_chars(bytes));
  }
  if (!conversion_needed(c.charset, bytes)) {
    return Value::string(as_chars(bytes));
  }
  scratch_.clear();
  if (!append_utf8(c.charset, bytes, scratch_)) {
    column_error(t, index,
                 "charset id " + std::to_string(c.collation) + " (" + charset_name(c.charset) +
                     ") cannot be converted to UTF-8.");
  }
  return arena_text(ValueKind::String, scratch_.view());
}

Value epoch_date(const ColumnDef& c) {
  switch (c.kind) {
    case DecodeKind::Date:
      return Value::temporal(ValueKind::Date, 0, 0);
    case DecodeKind::Timestamp:
    case DecodeKind::Timestamp2:
      return Value::temporal(ValueKind::Timestamp, 0, c.scale);
    default:
      return Value::temporal(ValueKind::DateTime, 0, c.scale);
  }
}

Value ValueDecoder::zero_date(const TableMap& t, size_t index, std::string_view text) {
  switch (options_.zero_dates) {
    case ZeroDatePolicy::Null:
      return Value::null();
    case ZeroDatePolicy::Epoch:
      return epoch_date(t.columns[index]);
    case ZeroDatePolicy::Text:
      return arena_text(ValueKind::String, text);
    case ZeroDatePolicy::Error:
      break;
  }
  column_error(t, index, "the date '" + std::string(text) + "' has no calendar day.");
}

Value ValueDecoder::date(const TableMap& t, size_t index, uint32_t y, uint32_t m, uint32_t d,
                         int64_t micros, ValueKind kind, int fsp) {
  if (!is_valid_date(y, m, d)) {
    CivilDateTime c;
    c.year = y;
    c.month = m;
    c.day = d;
    const auto tod = static_cast<uint64_t>(micros);
    c.micros = static_cast<uint32_t>(tod % 1000000);
    c.second = static_cast<uint32_t>(tod / 1000000 % 60);
    c.minute = static_cast<uint32_t>(tod / 60000000 % 60);
    c.hour = static_cast<uint32_t>(tod / 3600000000ULL);
    char buf[40];
    const size_t n = kind == ValueKind::Date ? format_date(c, buf) : format_datetime(c, fsp, buf);
    return zero_date(t, index, std::string_view(buf, n));
  }
  const int64_t days = days_from_civil(y, m, d);
  if (kind == ValueKind::Date) {
    return Value::temporal(ValueKind::Date, days, 0);
  }
  return Value::temporal(kind, days * kMicrosPerDay + micros, static_cast<uint8_t>(fsp));
}

Value ValueDecoder::set_labels(const ColumnDef& c, uint64_t mask, const TableMap& t, size_t index) {
  scratch_.clear();
  for (size_t i = 0; i < 64 && mask != 0; ++i, mask >>= 1) {
    if ((mask & 1U) == 0) {
      continue;
    }
    if (i >= c.labels.size()) {
      column_error(t, index, "a SET value has a bit past its last label.");
    }
    if (!scratch_.empty()) {
      scratch_.push_back(',');
    }
    scratch_.append(c.labels[i]);
  }
  return arena_text(ValueKind::String, scratch_.view());
}

Value ValueDecoder::decode(const TableMap& t, size_t index, ByteReader& r) {
  const ColumnDef& c = t.columns[index];
  switch (c.kind) {
    case DecodeKind::Int8:
      return integer(c, r.u8(), 8);
    case DecodeKind::Int16:
      return integer(c, r.u16(), 16);
    case DecodeKind::Int24:
      return integer(c, r.u24(), 24);
    case DecodeKind::Int32:
      return integer(c, r.u32(), 32);
    case DecodeKind::Int64:
      return c.is_unsigned ? Value::uint64(r.u64()) : Value::int64(static_cast<int64_t>(r.u64()));
    case DecodeKind::Float:
      return Value::float64(static_cast<double>(std::bit_cast<float>(r.u32("a FLOAT"))));
    case DecodeKind::Double:
      return Value::float64(std::bit_cast<double>(r.u64("a DOUBLE")));
    case DecodeKind::NewDecimal: {
      const size_t n = decimal_bin_size(c.precision, c.scale);
      const std::span<const uint8_t> bin = r.bytes(n, "a DECIMAL");
      const size_t bound = decimal_text_bound(c.precision);
      char* p = arena_.allocate(bound);
      const size_t len = decimal_to_text(bin.data(), c.precision, c.scale, p);
      if (len == 0) {
        column_error(t, index, "a DECIMAL value has a digit group out of range.");
      }
      arena_.shrink_last(p, bound, len);
      return Value::decimal(std::string_view(p, len));
    }
    case DecodeKind::Year: {
      const uint8_t y = r.u8("a YEAR");
      return Value::int64(y == 0 ? 0 : 1900 + y);
    }
    case DecodeKind::Date: {
      const uint32_t v = r.u24("a DATE");
      return date(t, index, v >> 9, (v >> 5) & 15, v & 31, 0, ValueKind::Date, 0);
    }
    case DecodeKind::Time: {
      // Old TIME: a signed 3-byte integer HHMMSS.
      const int64_t v = sign_extend(r.u24("a TIME"), 24);
      const uint64_t a = static_cast<uint64_t>(v < 0 ? -v : v);
      const auto secs = static_cast<int64_t>(a / 10000 * 3600 + a / 100 % 100 * 60 + a % 100);
      return Value::temporal(ValueKind::Time, (v < 0 ? -secs : secs) * kMicrosPerSecond, 0);
    }
    case DecodeKind::Time2: {
      int64_t packed = 0;
      if (c.scale >= 5) {
        packed = static_cast<int64_t>(r.uint_be(6, "a TIME2")) - kTimeOffset;
      } else {
        int64_t intpart = static_cast<int64_t>(r.uint_be(3, "a TIME2")) - kTimeIntOffset;
        int64_t frac = 0;
        if (c.scale >= 3) {
          frac = static_cast<int64_t>(r.uint_be(2, "a TIME2 fraction"));
          if (intpart < 0 && frac != 0) {
            ++intpart;
            frac -= 0x10000;
          }
          frac *= 100;
        } else if (c.scale >= 1) {
          frac = r.u8("a TIME2 fraction");
          if (intpart < 0 && frac != 0) {
            ++intpart;
            frac -= 0x100;
          }
          frac *= 10000;
        }
        packed = intpart * (int64_t{1} << 24) + frac;
      }
      return Value::temporal(ValueKind::Time, time_micros(unpack_time(packed)), c.scale);
    }
    case DecodeKind::DateTime: {
      // Old DATETIME: YYYYMMDDhhmmss as a little-endian 8-byte integer.
      const uint64_t v = r.u64("a DATETIME");
      const uint64_t d = v / 1000000;
      const uint64_t tod = v % 1000000;
      const int64_t micros =
          static_cast<int64_t>((tod / 10000 * 3600 + tod / 100 % 100 * 60 + tod % 100) * 1000000);
      return date(t, index, static_cast<uint32_t>(d / 10000), static_cast<uint32_t>(d / 100 % 100),
                  static_cast<uint32_t>(d % 100), micros, ValueKind::DateTime, 0);
    }
    case DecodeKind::DateTime2: {
      const uint64_t intpart = r.uint_be(5, "a DATETIME2") - kDatetimeIntOffset;
      const uint32_t frac = read_fraction(r, c.scale);
      const uint64_t ymd = intpart >> 17;
      const uint64_t ym = ymd >> 5;
      const uint64_t hms = intpart % (1U << 17);
      const auto micros = static_cast<int64_t>(
          ((hms >> 12) * 3600 + ((hms >> 6) % 64) * 60 + hms % 64) * 1000000 + frac);
      return date(t, index, static_cast<uint32_t>(ym / 13), static_cast<uint32_t>(ym % 13),
                  static_cast<uint32_t>(ymd % 32), micros, ValueKind::DateTime, c.scale);
    }
    case DecodeKind::Timestamp: {
      const uint32_t secs = r.u32("a TIMESTAMP");
      if (secs == 0) {
        return zero_date(t, index, "0000-00-00 00:00:00");
      }
      return Value::temporal(ValueKind::Timestamp, int64_t{secs} * kMicrosPerSecond, 0);
    }
    case DecodeKind::Timestamp2: {
      const auto secs = static_cast<uint32_t>(r.uint_be(4, "a TIMESTAMP2"));
      const uint32_t frac = read_fraction(r, c.scale);
      if (secs == 0 && frac == 0) {
        char buf[40];
        const size_t n = format_datetime(CivilDateTime{}, c.scale, buf);
        return zero_date(t, index, std::string_view(buf, n));
      }
      return Value::temporal(ValueKind::Timestamp, int64_t{secs} * kMicrosPerSecond + frac,
                             c.scale);
    }
    case DecodeKind::VarString: {
      const uint64_t len = r.uint_le(c.length_bytes, "a string length");
      return text(t, index, r.bytes(len, "a string"), c.real_type == ColumnType::String);
    }
    case DecodeKind::Blob:
      return text(t, index, read_prefixed(c, r), false);
    case DecodeKind::Enum: {
      const uint64_t v = r.uint_le(c.max_bytes, "an ENUM");
      if (c.labels.empty()) {
        return Value::uint64(v);
      }
      if (v == 0) {
        return Value::string("");
      }
      if (v > c.labels.size()) {
        column_error(t, index, "an ENUM index is past its last label.");
      }
      return Value::string(c.labels[v - 1]);
    }
    case DecodeKind::Set: {
      const uint64_t v = r.uint_le(c.max_bytes, "a SET");
      return c.labels.empty() ? Value::uint64(v) : set_labels(c, v, t, index);
    }
    case DecodeKind::Bit:
      return Value::uint64(r.uint_be((c.max_bytes + 7) / 8, "a BIT"));
    case DecodeKind::Json:
      return json_value(read_prefixed(c, r));
    case DecodeKind::Geometry: {
      const std::span<const uint8_t> v = read_prefixed(c, r);
      scratch_.clear();
      append_geometry_wkt(v, options_.geometry_srid_prefix, scratch_);
      return arena_text(ValueKind::String, scratch_.view());
    }
    case DecodeKind::Vector:
      return Value::view(ValueKind::Bytes, as_chars(read_prefixed(c, r)));
    case DecodeKind::Null:
      return Value::null();
    case DecodeKind::Unsupported:
      break;
  }
  column_error(t, index,
               std::string("the column type ") + column_type_name(c.type) + " cannot be decoded.");
}

}  // namespace starcdc::mysql::binlog
