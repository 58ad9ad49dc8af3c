#include "sources/kafka/formats/value_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "pipeline/model/calendar.hpp"

namespace starcdc::kafka {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at s[i...]; false when they are not all digits.
bool fixed_digits(std::string_view s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) {
    return false;
  }
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!digit(s[i + k])) {
      return false;
    }
    v = v * 10 + (s[i + k] - '0');
  }
  i += n;
  out = v;
  return true;
}

unsigned days_in_month(int y, int m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// ".f{1,9}" at s[i]: microseconds (digits past 6 dropped) and the digits kept as the scale.
bool fraction(std::string_view s, size_t& i, int64_t& micros, uint8_t& scale) {
  micros = 0;
  scale = 0;
  if (i >= s.size() || s[i] != '.') {
    return true;
  }
  ++i;
  size_t n = 0;
  while (i < s.size() && digit(s[i]) && n < 9) {
    if (n < 6) {
      micros = micros * 10 + (s[i] - '0');
    }
    ++i;
    ++n;
  }
  if (n == 0) {
    return false;
  }
  scale = static_cast<uint8_t>(std::min<size_t>(n, 6));
  for (size_t k = n; k < 6; ++k) {
    micros *= 10;
  }
  return true;
}

}  // namespace

ColumnType classify_mysql_type(std::string_view declared) {
  std::string base;
  size_t i = 0;
  while (i < declared.size() && declared[i] == ' ') {
    ++i;
  }
  while (i < declared.size() && declared[i] != '(' && declared[i] != ' ' && base.size() < 24) {
    base.push_back(lower(declared[i++]));
  }
  int arg = -1;
  if (i < declared.size() && declared[i] == '(') {
    ++i;
    int v = 0;
    bool any = false;
    while (i < declared.size() && digit(declared[i]) && v < 1000) {
      v = v * 10 + (declared[i++] - '0');
      any = true;
    }
    arg = any ? v : -1;
  }
  const auto scale = static_cast<uint8_t>(std::clamp(arg, 0, 6));
  using C = TypeClass;
  static constexpr std::pair<std::string_view, C> kBases[] = {
      {"bool", C::Bool},
      {"boolean", C::Bool},
      {"tinyint", C::Int},
      {"smallint", C::Int},
      {"mediumint", C::Int},
      {"int", C::Int},
      {"integer", C::Int},
      {"bigint", C::Int},
      {"year", C::Int},
      {"serial", C::Int},
      {"float", C::Double},
      {"double", C::Double},
      {"real", C::Double},
      {"decimal", C::Decimal},
      {"numeric", C::Decimal},
      {"dec", C::Decimal},
      {"fixed", C::Decimal},
      {"char", C::String},
      {"varchar", C::String},
      {"tinytext", C::String},
      {"text", C::String},
      {"mediumtext", C::String},
      {"longtext", C::String},
      {"enum", C::String},
      {"binary", C::Bytes},
      {"varbinary", C::Bytes},
      {"tinyblob", C::Bytes},
      {"blob", C::Bytes},
      {"mediumblob", C::Bytes},
      {"longblob", C::Bytes},
      {"geometry", C::Bytes},
      {"point", C::Bytes},
      {"linestring", C::Bytes},
      {"polygon", C::Bytes},
      {"multipoint", C::Bytes},
      {"multilinestring", C::Bytes},
      {"multipolygon", C::Bytes},
      {"geometrycollection", C::Bytes},
      {"date", C::Date},
      {"time", C::Time},
      {"datetime", C::DateTime},
      {"timestamp", C::Timestamp},
      {"json", C::Json},
      {"bit", C::Bits},
      {"set", C::Set},
  };
  for (const auto& [name, cls] : kBases) {
    if (base == name) {
      const bool temporal = cls == C::Time || cls == C::DateTime || cls == C::Timestamp;
      return ColumnType{cls, temporal ? scale : uint8_t{0}};
    }
  }
  return {};
}

bool parse_integer(std::string_view s, Value& out) {
  if (s.empty()) {
    return false;
  }
  const char* b = s.data();
  const char* e = b + s.size();
  int64_t i = 0;
  auto r = std::from_chars(b, e, i);
  if (r.ec == std::errc() && r.ptr == e) {
    out = Value::int64(i);
    return true;
  }
  if (s[0] == '-' || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)) {
    return false;
  }
  uint64_t u = 0;
  r = std::from_chars(b, e, u);
  if (r.ec == std::errc() && r.ptr == e) {
    out = Value::uint64(u);
    return true;
  }
  return false;
}

bool parse_double(std::string_view s, double& out) {
  if (s.empty()) {
    return false;
  }
  const char* b = s.data() + (s[0] == '+' ? 1 : 0);
  const auto r = std::from_chars(b, s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_number(std::string_view s, Value& out) {
  if (s.find_first_of(".eE") == std::string_view::npos && parse_integer(s, out)) {
    return true;
  }
  double d = 0;
  if (!parse_double(s, d)) {
    return false;
  }
  out = Value::float64(d);
  return true;
}

bool is_decimal_text(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    ++i;
  }
  size_t digits = 0;
  while (i < s.size() && digit(s[i])) {
    ++i;
    ++digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && digit(s[i])) {
      ++i;
      ++digits;
    }
  }
  if (digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
      ++i;
    }
    size_t exp_digits = 0;
    while (i < s.size() && digit(s[i])) {
      ++i;
      ++exp_digits;
    }
    if (exp_digits == 0) {
      return false;
    }
  }
  return i == s.size();
}

TemporalParse parse_date(std::string_view s, int64_t& days) {
  size_t i = 0;
  int y = 0;
  int m = 0;
  int d = 0;
  if (!fixed_digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !fixed_digits(s, i, 2, m) ||
      i >= s.size() || s[i++] != '-' || !fixed_digits(s, i, 2, d) || i != s.size()) {
    return TemporalParse::Bad;
  }
  if (m == 0 || d == 0) {
    return m <= 12 && d <= 31 ? TemporalParse::Zero : TemporalParse::Bad;
  }
  if (m > 12 || static_cast<unsigned>(d) > days_in_month(y, m)) {
    return TemporalParse::Bad;
  }
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return TemporalParse::Ok;
}

TemporalParse parse_datetime(std::string_view s, int64_t& micros, uint8_t& scale) {
  scale = 0;
  if (s.size() < 10) {
    return TemporalParse::Bad;
  }
  int64_t days = 0;
  const TemporalParse date = parse_date(s.substr(0, 10), days);
  if (date == TemporalParse::Bad) {
    return date;
  }
  size_t i = 10;
  int hh = 0;
  int mi = 0;
  int ss = 0;
  int64_t frac = 0;
  if (i < s.size() && (s[i] == ' ' || s[i] == 'T')) {
    ++i;
    if (!fixed_digits(s, i, 2, hh) || i >= s.size() || s[i++] != ':' ||
        !fixed_digits(s, i, 2, mi) || i >= s.size() || s[i++] != ':' ||
        !fixed_digits(s, i, 2, ss) || !fraction(s, i, frac, scale) || hh > 23 || mi > 59 ||
        ss > 59) {
      return TemporalParse::Bad;
    }
  }
  int64_t offset_s = 0;
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i++] == '-' ? -1 : 1;
    int oh = 0;
    int om = 0;
    if (!fixed_digits(s, i, 2, oh)) {
      return TemporalParse::Bad;
    }
    if (i < s.size() && s[i] == ':') {
      ++i;
    }
    if (i < s.size() && !fixed_digits(s, i, 2, om)) {
      return TemporalParse::Bad;
    }
    if (oh > 18 || om > 59) {
      return TemporalParse::Bad;
    }
    offset_s = sign * (oh * 3600 + om * 60);
  }
  if (i != s.size()) {
    return TemporalParse::Bad;
  }
  if (date == TemporalParse::Zero) {
    return date;
  }
  micros = ((days * 86400 + hh * 3600 + mi * 60 + ss) - offset_s) * 1'000'000 + frac;
  return TemporalParse::Ok;
}

bool parse_time(std::string_view s, int64_t& micros, uint8_t& scale) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) {
    ++i;
  }
  int64_t hours = 0;
  size_t n = 0;
  while (i < s.size() && digit(s[i]) && n < 4) {
    hours = hours * 10 + (s[i++] - '0');
    ++n;
  }
  int mi = 0;
  int ss = 0;
  int64_t frac = 0;
  if (n == 0 || i >= s.size() || s[i++] != ':' || !fixed_digits(s, i, 2, mi) || i >= s.size() ||
      s[i++] != ':' || !fixed_digits(s, i, 2, ss) || !fraction(s, i, frac, scale) ||
      i != s.size() || mi > 59 || ss > 59) {
    return false;
  }
  micros = (hours * 3600 + mi * 60 + ss) * 1'000'000 + frac;
  if (negative) {
    micros = -micros;
  }
  return true;
}

size_t base64_max_decoded(std::string_view in) { return (in.size() + 3) / 4 * 3; }

bool base64_decode(std::string_view in, char* out, size_t& written) {
  static constexpr auto kTable = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < kAlphabet.size(); ++i) {
      t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    t['-'] = 62;  // the URL-safe alphabet (Debezium binary.handling.mode=base64-url-safe)
    t['_'] = 63;
    return t;
  }();
  while (!in.empty() && in.back() == '=') {
    in.remove_suffix(1);
  }
  if (in.size() % 4 == 1) {
    return false;
  }
  uint32_t acc = 0;
  int bits = 0;
  written = 0;
  for (const char c : in) {
    const int8_t v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) {
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

namespace {

__extension__ typedef unsigned __int128 Uint128;

// Appends `digits` (the magnitude, most significant first) with the sign and the decimal point.
void place_point(bool negative, std::string_view digits, int32_t scale, std::string& out) {
  if (negative) {
    out.push_back('-');
  }
  if (scale <= 0) {
    out.append(digits);
    if (digits != "0") {
      out.append(static_cast<size_t>(-static_cast<int64_t>(scale)), '0');
    }
    return;
  }
  const auto s = static_cast<size_t>(scale);
  if (digits.size() <= s) {
    out.append("0.");
    out.append(s - digits.size(), '0');
    out.append(digits);
    return;
  }
  out.append(digits.substr(0, digits.size() - s));
  out.push_back('.');
  out.append(digits.substr(digits.size() - s));
}

}  // namespace

void unscaled_to_decimal(std::string_view bytes, int32_t scale, std::string& out) {
  out.clear();
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const bool negative = !bytes.empty() && (b[0] & 0x80) != 0;
  if (bytes.size() <= 16) {
    // Up to 38 digits: sign-extend into 128 bits, no allocation.
    Uint128 v = negative ? ~Uint128{0} : Uint128{0};
    for (size_t i = 0; i < bytes.size(); ++i) {
      v = (v << 8) | b[i];
    }
    if (negative) {
      v = ~v + 1;
    }
    char buf[48];
    size_t n = sizeof buf;
    do {
      buf[--n] = static_cast<char>('0' + static_cast<int>(v % 10));
      v /= 10;
    } while (v != 0);
    place_point(negative, std::string_view(buf + n, sizeof buf - n), scale, out);
    return;
  }
  // The magnitude, big-endian: the two's complement of a negative number.
  std::vector<unsigned char> mag(b, b + bytes.size());
  if (negative) {
    bool carry = true;
    for (size_t i = mag.size(); i-- > 0;) {
      mag[i] = static_cast<unsigned char>(~mag[i]);
      if (carry) {
        mag[i] = static_cast<unsigned char>(mag[i] + 1);
        carry = mag[i] == 0;
      }
    }
  }
  // Repeated division by 10^9 gives the digits nine at a time, least significant first.
  std::string digits;
  size_t start = 0;
  while (start < mag.size() && mag[start] == 0) {
    ++start;
  }
  while (start < mag.size()) {
    uint64_t rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      const uint64_t cur = (rem << 8) | mag[i];
      mag[i] = static_cast<unsigned char>(cur / 1'000'000'000);
      rem = cur % 1'000'000'000;
    }
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
    }
    while (start < mag.size() && mag[start] == 0) {
      ++start;
    }
  }
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
  }
  if (digits.empty()) {
    digits.push_back('0');
  }
  std::reverse(digits.begin(), digits.end());
  place_point(negative, digits, scale, out);
}

}  // namespace starcdc::kafka
