// Text forms: sql/field.cc Field_*::val_str of MySQL and MariaDB (what a text-protocol SELECT
// returns), read back into the representation of binlog/value_decoder.cpp.
#include "sources/mysql/snapshot/text_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/decimal.hpp"
#include "sources/mysql/binlog/geometry.hpp"
#include "sources/mysql/binlog/temporal.hpp"
#include "sources/mysql/binlog/value_decoder.hpp"
#include "sources/mysql/snapshot/snapshot_sql.hpp"

namespace starcdc::mysql::snapshot {
namespace {

using binlog::CivilDateTime;
using binlog::ColumnDef;
using binlog::ColumnType;
using binlog::DecodeKind;
using binlog::kMicrosPerDay;
using binlog::kMicrosPerSecond;

[[noreturn]] void column_error(const binlog::TableMap& t, size_t index, const std::string& what) {
  const std::string where = binlog::column_where(t, index);
  throw Error(ErrorKind::Data, "Column " + where + ": " + what, where);
}

[[noreturn]] void bad_text(const binlog::TableMap& t, size_t index, std::string_view s) {
  column_error(t, index,
               std::string("the snapshot value '") + std::string(s.substr(0, 64)) +
                   "' is not a valid " + binlog::column_type_name(t.columns[index].type) +
                   " text.");
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
  }
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Reads the text temporal forms: digits and separators, front to back.
class TextCursor {
 public:
  explicit TextCursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool skip(char c) {
    if (!peek(c)) {
      return false;
    }
    ++pos_;
    return true;
  }
  // At least `min` and at most `max` digits.
  bool digits(size_t min, size_t max, uint32_t& out) {
    size_t n = 0;
    uint64_t v = 0;
    while (pos_ < s_.size() && n < max && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      v = v * 10 + static_cast<uint64_t>(s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    out = static_cast<uint32_t>(v);
    return n >= min;
  }
  // An optional ".ffffff" fraction as microseconds.
  bool fraction(uint32_t& micros) {
    micros = 0;
    if (!skip('.')) {
      return true;
    }
    size_t n = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      if (n < 6) {
        micros = micros * 10 + static_cast<uint32_t>(s_[pos_] - '0');
      }
      ++pos_;
      ++n;
    }
    for (size_t i = n; i < 6; ++i) {
      micros *= 10;
    }
    return n > 0;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool parse_date(TextCursor& c, CivilDateTime& t) {
  return c.digits(4, 4, t.year) && c.skip('-') && c.digits(2, 2, t.month) && c.skip('-') &&
         c.digits(2, 2, t.day);
}

bool parse_clock(TextCursor& c, CivilDateTime& t, size_t max_hour_digits) {
  return c.digits(2, max_hour_digits, t.hour) && c.skip(':') && c.digits(2, 2, t.minute) &&
         c.skip(':') && c.digits(2, 2, t.second) && c.fraction(t.micros);
}

int64_t time_of_day(const CivilDateTime& t) {
  return ((static_cast<int64_t>(t.hour) * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond +
         t.micros;
}

// The decimal text as binlog::decimal_to_text prints it: no leading zeros before the point (a
// ZEROFILL column pads them), exactly `scale` digits after it, no sign on zero.
std::string_view normalize_decimal(std::string_view s, int scale, char* out, size_t cap) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const size_t point = s.find('.');
  std::string_view int_part = s.substr(0, point);
  std::string_view frac =
      point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
  while (int_part.size() > 1 && int_part[0] == '0') {
    int_part.remove_prefix(1);
  }
  if (int_part.empty() || frac.size() > static_cast<size_t>(scale) ||
      int_part.size() + frac.size() + 3 + static_cast<size_t>(scale) > cap) {
    return {};
  }
  for (const char ch : int_part) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) {
      return {};
    }
  }
  bool zero = int_part == "0";
  for (const char ch : frac) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) {
      return {};
    }
    zero = zero && ch == '0';
  }
  char* o = out;
  if (negative && !zero) {
    *o++ = '-';
  }
  std::memcpy(o, int_part.data(), int_part.size());
  o += int_part.size();
  if (scale > 0) {
    *o++ = '.';
    std::memcpy(o, frac.data(), frac.size());
    o += frac.size();
    for (size_t i = frac.size(); i < static_cast<size_t>(scale); ++i) {
      *o++ = '0';
    }
  }
  return {out, static_cast<size_t>(o - out)};
}

// The parenthesised part of a COLUMN_TYPE: numbers "12,4" or quoted labels "'a','it''s'".
std::vector<std::string> type_arguments(std::string_view args) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < args.size()) {
    std::string item;
    if (args[i] == '\'') {
      for (++i; i < args.size(); ++i) {
        if (args[i] == '\'') {
          if (i + 1 < args.size() && args[i + 1] == '\'') {
            item.push_back('\'');
            ++i;
            continue;
          }
          ++i;
          break;
        }
        item.push_back(args[i]);
      }
    } else {
      while (i < args.size() && args[i] != ',') {
        item.push_back(args[i++]);
      }
    }
    out.push_back(std::move(item));
    if (i < args.size() && args[i] == ',') {
      ++i;
    }
  }
  return out;
}

uint32_t argument(const std::vector<std::string>& args, size_t i, uint32_t fallback) {
  uint32_t v = fallback;
  if (i < args.size()) {
    parse_number(std::string_view(args[i]), v);
  }
  return v;
}

}  // namespace

binlog::ColumnDef column_from_information_schema(std::string_view name,
                                                 std::string_view column_type) {
  std::string lower(column_type);
  for (char& ch : lower) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  const size_t open = lower.find('(');
  const size_t base_end = std::min(open, lower.find(' '));
  const std::string base = lower.substr(0, base_end);
  std::vector<std::string> args;
  std::string rest = base_end == std::string::npos ? std::string() : lower.substr(base_end);
  if (open != std::string::npos && open == base_end) {
    // Labels keep their case: take them from the original text.
    const size_t close = column_type.rfind(')');
    if (close == std::string_view::npos || close < open) {
      throw Error(ErrorKind::Data, "Column " + std::string(name) + ": the type '" +
                                       std::string(column_type) + "' is not understood.");
    }
    args = type_arguments(column_type.substr(open + 1, close - open - 1));
    rest = lower.substr(close + 1);
  }
  ColumnDef c;
  c.name = std::string(name);
  c.is_unsigned =
      rest.find("unsigned") != std::string::npos || rest.find("zerofill") != std::string::npos;
  auto set = [&](ColumnType type, DecodeKind kind) {
    c.type = type;
    c.real_type = type;
    c.kind = kind;
  };
  auto text = [&](ColumnType type, DecodeKind kind, bool binary) {
    set(type, kind);
    c.charset = binary ? binlog::Charset::Binary : binlog::Charset::Utf8mb4;
    c.collation = binary ? binlog::kBinaryCollation : 0;
  };
  if (base == "tinyint" || base == "bool" || base == "boolean") {
    set(ColumnType::Tiny, DecodeKind::Int8);
  } else if (base == "smallint") {
    set(ColumnType::Short, DecodeKind::Int16);
  } else if (base == "mediumint") {
    set(ColumnType::Int24, DecodeKind::Int24);
  } else if (base == "int" || base == "integer") {
    set(ColumnType::Long, DecodeKind::Int32);
  } else if (base == "bigint") {
    set(ColumnType::LongLong, DecodeKind::Int64);
  } else if (base == "float") {
    set(ColumnType::Float, DecodeKind::Float);
  } else if (base == "double" || base == "real") {
    set(ColumnType::Double, DecodeKind::Double);
  } else if (base == "decimal" || base == "numeric" || base == "fixed") {
    set(ColumnType::NewDecimal, DecodeKind::NewDecimal);
    c.precision = static_cast<uint8_t>(argument(args, 0, 10));
    c.scale = static_cast<uint8_t>(argument(args, 1, 0));
  } else if (base == "year") {
    set(ColumnType::Year, DecodeKind::Year);
  } else if (base == "date") {
    set(ColumnType::Date, DecodeKind::Date);
  } else if (base == "time") {
    set(ColumnType::Time2, DecodeKind::Time2);
    c.scale = static_cast<uint8_t>(argument(args, 0, 0));
  } else if (base == "datetime") {
    set(ColumnType::DateTime2, DecodeKind::DateTime2);
    c.scale = static_cast<uint8_t>(argument(args, 0, 0));
  } else if (base == "timestamp") {
    set(ColumnType::Timestamp2, DecodeKind::Timestamp2);
    c.scale = static_cast<uint8_t>(argument(args, 0, 0));
  } else if (base == "char" || base == "varchar") {
    text(base == "char" ? ColumnType::String : ColumnType::VarChar, DecodeKind::VarString, false);
  } else if (base == "binary" || base == "varbinary") {
    text(base == "binary" ? ColumnType::String : ColumnType::VarChar, DecodeKind::VarString, true);
    c.max_bytes = argument(args, 0, 1);
  } else if (base == "tinytext" || base == "text" || base == "mediumtext" || base == "longtext") {
    text(ColumnType::Blob, DecodeKind::Blob, false);
  } else if (base == "tinyblob" || base == "blob" || base == "mediumblob" || base == "longblob") {
    text(ColumnType::Blob, DecodeKind::Blob, true);
  } else if (base == "enum" || base == "set") {
    text(ColumnType::String, base == "enum" ? DecodeKind::Enum : DecodeKind::Set, false);
    c.real_type = base == "enum" ? ColumnType::Enum : ColumnType::Set;
    c.labels = std::move(args);
  } else if (base == "bit") {
    set(ColumnType::Bit, DecodeKind::Bit);
    c.max_bytes = argument(args, 0, 1);
  } else if (base == "json") {
    set(ColumnType::Json, DecodeKind::Json);
  } else if (base == "geometry" || base == "point" || base == "linestring" || base == "polygon" ||
             base == "multipoint" || base == "multilinestring" || base == "multipolygon" ||
             base == "geometrycollection" || base == "geomcollection") {
    set(ColumnType::Geometry, DecodeKind::Geometry);
  } else if (base == "vector") {
    set(ColumnType::Vector, DecodeKind::Vector);
  } else {
    throw Error(ErrorKind::Data,
                "Column " + std::string(name) + ": the type '" + std::string(column_type) +
                    "' cannot be read by the snapshot.",
                std::string(name));
  }
  return c;
}

std::string select_expression(const binlog::ColumnDef& c) {
  const std::string name = quote_identifier(c.name);
  if (c.kind == DecodeKind::Float) {
    return name + " + 0e0";
  }
  if ((c.kind == DecodeKind::Enum || c.kind == DecodeKind::Set) && c.labels.empty()) {
    return name + " + 0";
  }
  return name;
}

Value TextValueDecoder::zero_date(const binlog::TableMap& t, size_t index, std::string_view text) {
  switch (options_.zero_dates) {
    case binlog::ZeroDatePolicy::Null:
      return Value::null();
    case binlog::ZeroDatePolicy::Epoch:
      return binlog::epoch_date(t.columns[index]);
    case binlog::ZeroDatePolicy::Text:
      return Value::view(ValueKind::String, arena_.copy(text));
    case binlog::ZeroDatePolicy::Error:
      break;
  }
  column_error(t, index, "the date '" + std::string(text) + "' has no calendar day.");
}

Value TextValueDecoder::temporal(const binlog::TableMap& t, size_t index, std::string_view s) {
  const ColumnDef& c = t.columns[index];
  TextCursor cur(s);
  CivilDateTime p;
  char buf[40];
  switch (c.kind) {
    case DecodeKind::Date:
      if (!parse_date(cur, p) || !cur.done()) {
        bad_text(t, index, s);
      }
      if (!binlog::is_valid_date(p.year, p.month, p.day)) {
        return zero_date(t, index, std::string_view(buf, binlog::format_date(p, buf)));
      }
      return Value::temporal(ValueKind::Date, binlog::days_from_civil(p.year, p.month, p.day), 0);
    case DecodeKind::Time:
    case DecodeKind::Time2: {
      const bool negative = cur.skip('-');
      if (!parse_clock(cur, p, 3) || !cur.done()) {
        bad_text(t, index, s);
      }
      const int64_t v = time_of_day(p);
      return Value::temporal(ValueKind::Time, negative ? -v : v, c.scale);
    }
    case DecodeKind::DateTime:
    case DecodeKind::DateTime2:
    case DecodeKind::Timestamp:
    case DecodeKind::Timestamp2: {
      if (!parse_date(cur, p) || !cur.skip(' ') || !parse_clock(cur, p, 2) || !cur.done()) {
        bad_text(t, index, s);
      }
      const bool stamp = c.kind == DecodeKind::Timestamp || c.kind == DecodeKind::Timestamp2;
      const int fsp =
          c.kind == DecodeKind::DateTime || c.kind == DecodeKind::Timestamp ? 0 : c.scale;
      if (!binlog::is_valid_date(p.year, p.month, p.day)) {
        // A zero TIMESTAMP is all zeros in the binlog, whatever its text's time part says.
        const CivilDateTime shown = stamp ? CivilDateTime{} : p;
        return zero_date(t, index, std::string_view(buf, binlog::format_datetime(shown, fsp, buf)));
      }
      const int64_t micros =
          binlog::days_from_civil(p.year, p.month, p.day) * kMicrosPerDay + time_of_day(p);
      return Value::temporal(stamp ? ValueKind::Timestamp : ValueKind::DateTime, micros,
                             static_cast<uint8_t>(fsp));
    }
    default:
      break;
  }
  bad_text(t, index, s);
}

Value TextValueDecoder::decode(const binlog::TableMap& t, size_t index,
                               std::optional<std::string_view> field) {
  if (!field) {
    return Value::null();
  }
  const std::string_view s = *field;
  const ColumnDef& c = t.columns[index];
  switch (c.kind) {
    case DecodeKind::Int8:
    case DecodeKind::Int16:
    case DecodeKind::Int24:
    case DecodeKind::Int32:
    case DecodeKind::Int64: {
      if (c.is_unsigned) {
        uint64_t u = 0;
        if (!parse_number(s, u)) {
          bad_text(t, index, s);
        }
        return Value::uint64(u);
      }
      int64_t i = 0;
      if (!parse_number(s, i)) {
        bad_text(t, index, s);
      }
      return Value::int64(i);
    }
    case DecodeKind::Year: {
      int64_t y = 0;
      if (!parse_number(s, y)) {
        bad_text(t, index, s);
      }
      return Value::int64(y);
    }
    case DecodeKind::Float: {
      // The binlog holds the float itself; its text is the shortest form that reads back to it.
      float f = 0;
      if (!parse_number(s, f)) {
        bad_text(t, index, s);
      }
      return Value::float64(static_cast<double>(f));
    }
    case DecodeKind::Double: {
      double d = 0;
      if (!parse_number(s, d)) {
        bad_text(t, index, s);
      }
      return Value::float64(d);
    }
    case DecodeKind::NewDecimal: {
      const size_t bound = s.size() + binlog::decimal_text_bound(c.scale) + 2;
      char* p = arena_.allocate(bound);
      const std::string_view text = normalize_decimal(s, c.scale, p, bound);
      if (text.empty()) {
        bad_text(t, index, s);
      }
      arena_.shrink_last(p, bound, text.size());
      return Value::decimal(text);
    }
    case DecodeKind::Date:
    case DecodeKind::Time:
    case DecodeKind::Time2:
    case DecodeKind::DateTime:
    case DecodeKind::DateTime2:
    case DecodeKind::Timestamp:
    case DecodeKind::Timestamp2:
      return temporal(t, index, s);
    case DecodeKind::VarString:
    case DecodeKind::Blob:
      if (c.charset == binlog::Charset::Binary) {
        std::string_view b = s;
        if (c.real_type == ColumnType::String && !options_.pad_binary) {
          // The binlog drops BINARY(N)'s trailing 0x00 bytes; the text keeps them.
          while (!b.empty() && b.back() == '\0') {
            b.remove_suffix(1);
          }
        }
        return Value::view(ValueKind::Bytes, b);
      }
      if (c.charset == binlog::Charset::Unknown && c.kind == DecodeKind::Blob) {
        return Value::view(ValueKind::Bytes, s);
      }
      // The connection's character set is utf8mb4: the server converted the text already.
      return Value::string(s);
    case DecodeKind::Enum:
    case DecodeKind::Set: {
      if (!c.labels.empty()) {
        return Value::string(s);
      }
      uint64_t u = 0;  // selected as col+0: the index or mask
      if (!parse_number(s, u)) {
        bad_text(t, index, s);
      }
      return Value::uint64(u);
    }
    case DecodeKind::Bit: {
      if (s.size() > 8) {
        bad_text(t, index, s);
      }
      uint64_t u = 0;
      for (const char ch : s) {
        u = (u << 8) | static_cast<uint8_t>(ch);
      }
      return Value::uint64(u);
    }
    case DecodeKind::Json:
      return Value::view(ValueKind::Json, s);
    case DecodeKind::Geometry: {
      scratch_.clear();
      const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
      binlog::append_geometry_wkt(std::span<const uint8_t>(bytes, s.size()),
                                  options_.geometry_srid_prefix, scratch_);
      return Value::view(ValueKind::String, arena_.copy(scratch_.view()));
    }
    case DecodeKind::Vector:
      return Value::view(ValueKind::Bytes, s);
    case DecodeKind::Null:
      return Value::null();
    case DecodeKind::Unsupported:
      break;
  }
  column_error(t, index,
               std::string("the column type ") + binlog::column_type_name(c.type) +
                   " cannot be read by the snapshot.");
}

}  // namespace starcdc::mysql::snapshot
