#include "pipeline/transform/convert.hpp"

#include <rapidjson/document.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/model/calendar.hpp"

namespace starcdc::transform {
namespace {

constexpr Int128 pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) {
    p *= 10;
  }
  return p;
}

const Int128 kMaxDec = pow10(kMaxDecimalDigits) - 1;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool read_uint(std::string_view& s, size_t n, uint32_t& out) {
  if (s.size() < n) {
    return false;
  }
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + static_cast<uint32_t>(s[i] - '0');
  }
  s.remove_prefix(n);
  return true;
}

bool read_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) {
    return false;
  }
  s.remove_prefix(1);
  return true;
}

// HH:MM:SS[.ffffff] → micros and the number of fraction digits.
bool read_clock(std::string_view& s, int64_t& micros, uint8_t& scale, uint32_t max_hour) {
  uint32_t h = 0;
  uint32_t m = 0;
  uint32_t sec = 0;
  if (!read_uint(s, 2, h) || !read_char(s, ':') || !read_uint(s, 2, m) || !read_char(s, ':') ||
      !read_uint(s, 2, sec) || h > max_hour || m > 59 || sec > 59) {
    return false;
  }
  int64_t frac = 0;
  scale = 0;
  if (read_char(s, '.')) {
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      if (scale < 6) {
        frac = frac * 10 + (s.front() - '0');
        ++scale;
      }
      s.remove_prefix(1);
    }
  }
  for (int i = scale; i < 6; ++i) {
    frac *= 10;
  }
  micros = ((static_cast<int64_t>(h) * 60 + m) * 60 + sec) * kMicrosPerSecond + frac;
  return true;
}

}  // namespace

int digits(Int128 v) {
  if (v < 0) {
    v = -v;
  }
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

std::optional<Dec> parse_dec(std::string_view text) {
  std::string_view s = trim(text);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  Dec d;
  bool any = false;
  bool dot = false;
  int significant = 0;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    any = true;
    if (d.v != 0 || c != '0') {
      ++significant;
    }
    if (significant > kMaxDecimalDigits || (dot && d.scale >= kMaxDecimalDigits)) {
      return std::nullopt;
    }
    d.v = d.v * 10 + (c - '0');
    if (dot) {
      ++d.scale;
    }
  }
  if (!any) {
    return std::nullopt;
  }
  if (negative) {
    d.v = -d.v;
  }
  return d;
}

std::optional<Dec> to_dec(const Value& v) {
  switch (v.kind) {
    case ValueKind::Int:
    case ValueKind::Bool:
      return Dec{v.i, 0};
    case ValueKind::UInt:
      return Dec{static_cast<Int128>(v.u), 0};
    case ValueKind::Decimal:
      return parse_dec(v.text());
    case ValueKind::Double: {
      if (!std::isfinite(v.d)) {
        return std::nullopt;
      }
      char buf[64];
      const int n = std::snprintf(buf, sizeof buf, "%.17g", v.d);
      if (std::memchr(buf, 'e', static_cast<size_t>(n)) != nullptr) {
        std::snprintf(buf, sizeof buf, "%.6f", v.d);
      }
      return parse_dec(buf);
    }
    default:
      return std::nullopt;
  }
}

bool rescale(Dec& d, int scale) {
  if (scale == d.scale) {
    return true;
  }
  if (scale > d.scale) {
    const Int128 f = pow10(scale - d.scale);
    if (d.v > kMaxDec / f || d.v < -kMaxDec / f) {
      return false;
    }
    d.v *= f;
  } else {
    const Int128 f = pow10(d.scale - scale);
    Int128 q = d.v / f;
    const Int128 r = d.v % f;
    if (r * 2 >= f) {
      ++q;
    } else if (r * 2 <= -f) {
      --q;
    }
    d.v = q;
  }
  d.scale = scale;
  return d.v <= kMaxDec && d.v >= -kMaxDec;
}

Value dec_value(const Dec& d, Arena& arena) {
  char buf[48];
  char* end = buf + sizeof buf;
  char* p = end;
  UInt128 u = d.v < 0 ? static_cast<UInt128>(-d.v) : static_cast<UInt128>(d.v);
  int written = 0;
  do {
    if (written == d.scale && d.scale > 0) {
      *--p = '.';
    }
    *--p = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
    ++written;
  } while (u != 0 || written <= d.scale);
  if (d.v < 0) {
    *--p = '-';
  }
  return Value::decimal(arena.copy(std::string_view(p, static_cast<size_t>(end - p))));
}

double to_double(const Value& v) {
  switch (v.kind) {
    case ValueKind::Int:
    case ValueKind::Bool:
      return static_cast<double>(v.i);
    case ValueKind::UInt:
      return static_cast<double>(v.u);
    case ValueKind::Double:
      return v.d;
    case ValueKind::Decimal:
    case ValueKind::String: {
      const std::string_view s = trim(v.text());
      double d = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
      return r.ec == std::errc() ? d : std::numeric_limits<double>::quiet_NaN();
    }
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

bool to_int(const Value& v, int64_t& out) {
  switch (v.kind) {
    case ValueKind::Int:
    case ValueKind::Bool:
      out = v.i;
      return true;
    case ValueKind::UInt:
      if (v.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return false;
      }
      out = static_cast<int64_t>(v.u);
      return true;
    case ValueKind::Double:
      // Strictly inside BIGINT's range (9.2e18 < 2^63), so the conversion is defined.
      if (!(v.d > -9.2e18 && v.d < 9.2e18)) {
        return false;
      }
      out = static_cast<int64_t>(v.d);
      return true;
    case ValueKind::Decimal: {
      auto d = parse_dec(v.text());
      if (!d) {
        return false;
      }
      const Int128 q = d->v / pow10(d->scale);
      if (q > std::numeric_limits<int64_t>::max() || q < std::numeric_limits<int64_t>::min()) {
        return false;
      }
      out = static_cast<int64_t>(q);
      return true;
    }
    default:
      return false;
  }
}

std::string_view text_of(const Value& v, Arena& arena) {
  char buf[64];
  switch (v.kind) {
    case ValueKind::Null:
      return {};
    case ValueKind::Bool:
      return v.i != 0 ? "TRUE" : "FALSE";
    case ValueKind::Int: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.i);
      return arena.copy(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    }
    case ValueKind::UInt: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.u);
      return arena.copy(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    }
    case ValueKind::Double: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.d);
      return arena.copy(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    }
    case ValueKind::Decimal:
    case ValueKind::String:
    case ValueKind::Bytes:
    case ValueKind::Json:
      return v.text();
    case ValueKind::Date:
    case ValueKind::Time:
    case ValueKind::DateTime:
    case ValueKind::Timestamp: {
      ByteBuffer b(48);
      append_temporal_text(v, b);
      return arena.copy(b.view());
    }
  }
  return {};
}

std::optional<Value> parse_temporal(std::string_view text, Type target) {
  std::string_view s = trim(text);
  if (target == Type::Time) {
    const bool negative = read_char(s, '-');
    int64_t micros = 0;
    uint8_t scale = 0;
    if (!read_clock(s, micros, scale, 838) || !s.empty()) {
      return std::nullopt;
    }
    return Value::temporal(ValueKind::Time, negative ? -micros : micros, scale);
  }
  uint32_t y = 0;
  uint32_t m = 0;
  uint32_t d = 0;
  if (!read_uint(s, 4, y) || !read_char(s, '-') || !read_uint(s, 2, m) || !read_char(s, '-') ||
      !read_uint(s, 2, d) || !is_valid_date(y, m, d)) {
    return std::nullopt;
  }
  const int64_t days = days_from_civil(y, m, d);
  if (target == Type::Date) {
    return s.empty() ? std::optional<Value>(Value::temporal(ValueKind::Date, days, 0))
                     : std::nullopt;
  }
  int64_t micros = 0;
  uint8_t scale = 0;
  if (!s.empty()) {
    if (!read_char(s, ' ') && !read_char(s, 'T')) {
      return std::nullopt;
    }
    if (!read_clock(s, micros, scale, 23)) {
      return std::nullopt;
    }
    if (target == Type::Timestamp && (s == "Z" || s == "z")) {
      s = {};
    }
    if (!s.empty()) {
      return std::nullopt;
    }
  }
  return Value::temporal(target == Type::Timestamp ? ValueKind::Timestamp : ValueKind::DateTime,
                         days * kMicrosPerDay + micros, scale);
}

int64_t micros_of(const Value& v) { return v.kind == ValueKind::Date ? v.i * kMicrosPerDay : v.i; }

int compare(const Value& a, const Value& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  const bool a_text =
      a.kind == ValueKind::String || a.kind == ValueKind::Bytes || a.kind == ValueKind::Json;
  if (a_text) {
    const int c = a.text().compare(b.text());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.kind == ValueKind::Time) {
    return sign(a.i, b.i);
  }
  if (a.kind == ValueKind::Date || a.kind == ValueKind::DateTime ||
      a.kind == ValueKind::Timestamp) {
    return sign(micros_of(a), micros_of(b));
  }
  // Numbers: exactly where both are integers or decimals, through double otherwise.
  if (a.kind == ValueKind::Double || b.kind == ValueKind::Double) {
    return sign(to_double(a), to_double(b));
  }
  if ((a.kind == ValueKind::Int || a.kind == ValueKind::Bool) &&
      (b.kind == ValueKind::Int || b.kind == ValueKind::Bool)) {
    return sign(a.i, b.i);
  }
  auto x = to_dec(a);
  auto y = to_dec(b);
  if (!x || !y) {
    return sign(to_double(a), to_double(b));
  }
  const int scale = std::max(x->scale, y->scale);
  if (!rescale(*x, scale) || !rescale(*y, scale)) {
    return sign(to_double(a), to_double(b));
  }
  return sign(x->v, y->v);
}

std::optional<TypeInfo> cast_target(std::string_view text) {
  std::string base(text.substr(0, text.find('(')));
  while (!base.empty() && base.back() == ' ') {
    base.pop_back();
  }
  std::vector<int> args;
  if (auto open = text.find('('); open != std::string_view::npos) {
    std::string_view rest = text.substr(open + 1);
    while (!rest.empty() && rest.front() != ')') {
      int n = 0;
      auto r = std::from_chars(rest.data(), rest.data() + rest.size(), n);
      if (r.ec != std::errc()) {
        return std::nullopt;
      }
      args.push_back(n);
      rest.remove_prefix(static_cast<size_t>(r.ptr - rest.data()));
      if (!rest.empty() && rest.front() == ',') {
        rest.remove_prefix(1);
      }
    }
  }
  const bool is_unsigned = text.find("UNSIGNED") != std::string_view::npos;
  if (is_unsigned) {
    base = base.substr(0, base.find(' '));
  }
  TypeInfo t;
  if (base == "TINYINT" || base == "SMALLINT" || base == "INT" || base == "INTEGER" ||
      base == "BIGINT" || base == "SIGNED") {
    t.type = is_unsigned ? Type::UInt : Type::Int;
  } else if (base == "UNSIGNED") {
    t.type = Type::UInt;
  } else if (base == "DOUBLE" || base == "FLOAT" || base == "REAL") {
    t.type = Type::Double;
  } else if (base == "DECIMAL" || base == "NUMERIC" || base == "DEC") {
    t.type = Type::Decimal;
    t.precision = static_cast<uint8_t>(args.empty() ? 10 : args[0]);
    t.scale = static_cast<uint8_t>(args.size() < 2 ? 0 : args[1]);
    if (t.precision < 1 || t.precision > kMaxDecimalDigits || t.scale > t.precision) {
      return std::nullopt;
    }
  } else if (base == "VARCHAR" || base == "CHAR" || base == "STRING" || base == "TEXT") {
    t.type = Type::String;
    t.length = args.empty() ? 0 : static_cast<uint32_t>(args[0]);
  } else if (base == "BOOLEAN" || base == "BOOL") {
    t.type = Type::Bool;
  } else if (base == "DATE") {
    t.type = Type::Date;
  } else if (base == "TIME") {
    t.type = Type::Time;
    t.scale = static_cast<uint8_t>(args.empty() ? 0 : std::min(args[0], 6));
  } else if (base == "DATETIME" || base == "TIMESTAMP") {
    t.type = Type::DateTime;
    t.scale = static_cast<uint8_t>(args.empty() ? 0 : std::min(args[0], 6));
  } else if (base == "TIMESTAMP_LTZ") {
    t.type = Type::Timestamp;
    t.scale = static_cast<uint8_t>(args.empty() ? 0 : std::min(args[0], 6));
  } else if (base == "JSON") {
    t.type = Type::Json;
  } else if (base == "BINARY" || base == "VARBINARY" || base == "BYTES") {
    t.type = Type::Bytes;
  } else {
    return std::nullopt;
  }
  return t;
}

std::optional<Value> cast_value(const Value& v, const TypeInfo& to, Arena& arena) {
  if (v.is_null()) {
    return v;
  }
  const bool text =
      v.kind == ValueKind::String || v.kind == ValueKind::Bytes || v.kind == ValueKind::Json;
  switch (to.type) {
    case Type::Null:
      return Value::null();
    case Type::Bool: {
      if (text) {
        const std::string_view s = trim(v.text());
        if (s == "1" || s == "true" || s == "TRUE" || s == "True") {
          return Value::boolean(true);
        }
        if (s == "0" || s == "false" || s == "FALSE" || s == "False") {
          return Value::boolean(false);
        }
        return std::nullopt;
      }
      const double d = to_double(v);
      return std::isnan(d) ? std::nullopt : std::optional<Value>(Value::boolean(d != 0));
    }
    case Type::Int:
    case Type::UInt: {
      if (text) {
        const std::string_view s = trim(v.text());
        if (to.type == Type::UInt) {
          uint64_t u = 0;
          auto r = std::from_chars(s.data(), s.data() + s.size(), u);
          if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
            return std::nullopt;
          }
          return Value::uint64(u);
        }
        int64_t i = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), i);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
          return std::nullopt;
        }
        return Value::int64(i);
      }
      if (to.type == Type::UInt && v.kind == ValueKind::UInt) {
        return v;
      }
      int64_t i = 0;
      if (!to_int(v, i) || (to.type == Type::UInt && i < 0)) {
        return std::nullopt;
      }
      return to.type == Type::UInt ? Value::uint64(static_cast<uint64_t>(i)) : Value::int64(i);
    }
    case Type::Double: {
      const double d = to_double(v);
      if (std::isnan(d) && !(v.kind == ValueKind::Double)) {
        return std::nullopt;
      }
      return Value::float64(d);
    }
    case Type::Decimal: {
      std::optional<Dec> d = text ? parse_dec(v.text()) : to_dec(v);
      if (!d || !rescale(*d, to.scale) || digits(d->v) > to.precision) {
        return std::nullopt;
      }
      return dec_value(*d, arena);
    }
    case Type::String: {
      std::string_view s = text_of(v, arena);
      if (to.length > 0 && char_count(s) > to.length) {
        size_t chars = 0;
        size_t i = 0;
        while (i < s.size() && chars < to.length) {
          ++i;
          while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
            ++i;
          }
          ++chars;
        }
        s = s.substr(0, i);
      }
      return Value::string(s);
    }
    case Type::Bytes:
      return Value::view(ValueKind::Bytes, text_of(v, arena));
    case Type::Json: {
      if (!text) {
        return std::nullopt;
      }
      rapidjson::Document doc;
      doc.Parse(v.text().data(), v.text().size());
      if (doc.HasParseError()) {
        return std::nullopt;  // not JSON text
      }
      return Value::view(ValueKind::Json, v.text());
    }
    case Type::Date:
    case Type::DateTime:
    case Type::Timestamp:
    case Type::Time: {
      Value out;
      if (text) {
        Type parse_as = to.type;
        if (to.type == Type::Date && v.text().size() > 10) {
          parse_as = Type::DateTime;  // CAST('2024-01-02 03:04:05' AS DATE)
        }
        auto p = parse_temporal(v.text(), parse_as);
        if (!p) {
          return std::nullopt;
        }
        out = *p;
      } else if (v.kind == ValueKind::Date || v.kind == ValueKind::DateTime ||
                 v.kind == ValueKind::Timestamp || v.kind == ValueKind::Time) {
        out = v;
      } else {
        return std::nullopt;
      }
      if (to.type == Type::Time) {
        if (out.kind != ValueKind::Time) {
          int64_t r = micros_of(out) % kMicrosPerDay;
          out = Value::temporal(ValueKind::Time, r < 0 ? r + kMicrosPerDay : r, to.scale);
        }
        return out;
      }
      if (out.kind == ValueKind::Time) {
        return std::nullopt;
      }
      const int64_t micros = micros_of(out);
      if (to.type == Type::Date) {
        int64_t days = micros / kMicrosPerDay;
        if (micros % kMicrosPerDay < 0) {
          --days;
        }
        return Value::temporal(ValueKind::Date, days, 0);
      }
      int64_t m = micros;
      if (to.scale < 6) {
        int64_t f = 1;
        for (int i = to.scale; i < 6; ++i) {
          f *= 10;
        }
        m = m / f * f - (m % f < 0 ? f : 0);
      }
      return Value::temporal(
          to.type == Type::Timestamp ? ValueKind::Timestamp : ValueKind::DateTime, m, to.scale);
    }
  }
  return std::nullopt;
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

bool like(std::string_view s, std::string_view p) {
  // Iterative matching with one backtrack point for the last %.
  size_t si = 0;
  size_t pi = 0;
  size_t star_p = std::string_view::npos;
  size_t star_s = 0;
  auto char_len = [](std::string_view t, size_t i) {
    size_t n = 1;
    while (i + n < t.size() && (static_cast<unsigned char>(t[i + n]) & 0xC0) == 0x80) {
      ++n;
    }
    return n;
  };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size() && p[pi] == '_') {
      si += char_len(s, si);
      ++pi;
      continue;
    }
    if (pi < p.size()) {
      size_t lit = pi;
      if (p[pi] == '\\' && pi + 1 < p.size()) {
        lit = pi + 1;
      }
      if (p[lit] == s[si]) {
        pi = lit + 1;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) {
      return false;
    }
    star_s += char_len(s, star_s);
    si = star_s;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '%') {
    ++pi;
  }
  return pi == p.size();
}

}  // namespace starcdc::transform
