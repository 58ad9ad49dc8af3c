#include "value_types.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace emu {
namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Integer ranges by type (LARGEINT is checked on digits).
bool int_range(TypeKind k, int64_t* lo, int64_t* hi) {
  switch (k) {
    case TypeKind::kTinyint:
      *lo = -128;
      *hi = 127;
      return true;
    case TypeKind::kSmallint:
      *lo = -32768;
      *hi = 32767;
      return true;
    case TypeKind::kInt:
      *lo = INT32_MIN;
      *hi = INT32_MAX;
      return true;
    case TypeKind::kBigint:
      *lo = INT64_MIN;
      *hi = INT64_MAX;
      return true;
    default:
      return false;
  }
}

ConvertStatus convert_integer(const ColumnType& t, std::string_view s, std::string* out) {
  if (t.kind == TypeKind::kLargeint) {
    std::string_view digits = s;
    bool neg = false;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
      neg = digits[0] == '-';
      digits.remove_prefix(1);
    }
    if (!all_digits(digits)) {
      return ConvertStatus::kInvalid;
    }
    while (digits.size() > 1 && digits[0] == '0') {
      digits.remove_prefix(1);
    }
    static constexpr std::string_view kMax = "170141183460469231731687303715884105727";
    if (digits.size() > kMax.size() || (digits.size() == kMax.size() && digits > kMax)) {
      return ConvertStatus::kInvalid;
    }
    if (out != nullptr) {
      out->clear();
      if (neg && digits != "0") {
        out->push_back('-');
      }
      out->append(digits);
    }
    return ConvertStatus::kOk;
  }
  int64_t v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') {
    ++b;
  }
  if (b != e && e - b <= 18) {
    // Fast path: up to 18 digits cannot overflow int64.
    const char* q = b;
    bool neg = *q == '-';
    q += neg ? 1 : 0;
    if (q == e) {
      return ConvertStatus::kInvalid;
    }
    for (; q != e; ++q) {
      unsigned d = static_cast<unsigned>(*q - '0');
      if (d > 9) {
        return ConvertStatus::kInvalid;
      }
      v = v * 10 + static_cast<int64_t>(d);
    }
    v = neg ? -v : v;
  } else {
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e || b == e) {
      return ConvertStatus::kInvalid;
    }
  }
  int64_t lo = 0;
  int64_t hi = 0;
  int_range(t.kind, &lo, &hi);
  if (v < lo || v > hi) {
    return ConvertStatus::kInvalid;
  }
  if (out != nullptr) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out->assign(buf, r.ptr);
  }
  return ConvertStatus::kOk;
}

ConvertStatus convert_boolean(std::string_view s, std::string* out) {
  char v = 0;
  if (s == "1" || s == "true" || s == "TRUE" || s == "True") {
    v = '1';
  } else if (s == "0" || s == "false" || s == "FALSE" || s == "False") {
    v = '0';
  } else {
    return ConvertStatus::kInvalid;
  }
  if (out != nullptr) {
    out->assign(1, v);
  }
  return ConvertStatus::kOk;
}

// [-]digits[.digits] (or [-].digits / digits.) without exponent, at most 30 bytes: what
// from_chars accepts as a finite double in that shape, decided without converting it.
bool plain_decimal_number(const char* b, const char* e) {
  if (e - b > 30 || b == e) {
    return false;
  }
  if (*b == '-') {
    ++b;
  }
  bool digit = false;
  bool dot = false;
  for (; b != e; ++b) {
    if (*b >= '0' && *b <= '9') {
      digit = true;
    } else if (*b == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

ConvertStatus convert_floating(const ColumnType& t, std::string_view s, std::string* out) {
  if (s.empty()) {
    return ConvertStatus::kInvalid;
  }
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') {
    ++b;
  }
  if (out == nullptr && plain_decimal_number(b, e)) {
    return ConvertStatus::kOk;  // finite by construction
  }
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) {
    return ConvertStatus::kInvalid;
  }
  if (out != nullptr) {
    char buf[40];
    std::to_chars_result r;
    if (t.kind == TypeKind::kFloat) {
      r = std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v));
    } else {
      r = std::to_chars(buf, buf + sizeof(buf), v);
    }
    out->assign(buf, r.ptr);
  }
  return ConvertStatus::kOk;
}

ConvertStatus convert_decimal(const ColumnType& t, std::string_view s, std::string* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string_view ip = s;
  std::string_view fp;
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    ip = s.substr(0, dot);
    fp = s.substr(dot + 1);
  }
  if ((ip.empty() && fp.empty()) || (!ip.empty() && !all_digits(ip)) ||
      (!fp.empty() && !all_digits(fp))) {
    return ConvertStatus::kInvalid;
  }
  while (ip.size() > 1 && ip[0] == '0') {
    ip.remove_prefix(1);
  }
  if (ip == "0") {
    ip = {};
  }
  const size_t scale = static_cast<size_t>(t.scale);
  if (out == nullptr) {
    // Validation only: the integer digits after rounding half-up must fit precision - scale.
    // Rounding adds an integer digit only when every kept digit is a 9 (or none is kept).
    size_t int_digits = ip.size();
    if (fp.size() > scale && fp[scale] >= '5') {
      bool all_nines = ip.find_first_not_of('9') == std::string_view::npos;
      for (size_t i = 0; all_nines && i < scale; ++i) {
        all_nines = i < fp.size() && fp[i] == '9';
      }
      if (all_nines) {
        ++int_digits;
      }
    }
    return int_digits > static_cast<size_t>(t.precision - t.scale) ? ConvertStatus::kInvalid
                                                                   : ConvertStatus::kOk;
  }
  // digits = integer part + scale fraction digits, then round half-up on the next digit.
  std::string digits(ip);
  for (int i = 0; i < t.scale; ++i) {
    digits.push_back(static_cast<size_t>(i) < fp.size() ? fp[static_cast<size_t>(i)] : '0');
  }
  if (fp.size() > static_cast<size_t>(t.scale) && fp[static_cast<size_t>(t.scale)] >= '5') {
    int i = static_cast<int>(digits.size()) - 1;
    while (i >= 0 && digits[static_cast<size_t>(i)] == '9') {
      digits[static_cast<size_t>(i)] = '0';
      --i;
    }
    if (i < 0) {
      digits.insert(digits.begin(), '1');
    } else {
      ++digits[static_cast<size_t>(i)];
    }
  }
  size_t int_digits = digits.size() - static_cast<size_t>(t.scale);
  std::string_view int_part(digits.data(), int_digits);
  while (!int_part.empty() && int_part[0] == '0') {
    int_part.remove_prefix(1);
    --int_digits;
  }
  if (int_digits > static_cast<size_t>(t.precision - t.scale)) {
    return ConvertStatus::kInvalid;
  }
  if (out != nullptr) {
    out->clear();
    std::string_view frac(digits.data() + digits.size() - static_cast<size_t>(t.scale),
                          static_cast<size_t>(t.scale));
    bool zero = int_part.empty() && frac.find_first_not_of('0') == std::string_view::npos;
    if (neg && !zero) {
      out->push_back('-');
    }
    out->append(int_part.empty() ? std::string_view("0") : int_part);
    if (t.scale > 0) {
      out->push_back('.');
      out->append(frac);
    }
  }
  return ConvertStatus::kOk;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Reads an unsigned number of 1..max_len digits.
bool read_num(std::string_view& s, size_t max_len, int* v) {
  size_t n = 0;
  int r = 0;
  while (n < s.size() && n < max_len && s[n] >= '0' && s[n] <= '9') {
    r = r * 10 + (s[n] - '0');
    ++n;
  }
  if (n == 0) {
    return false;
  }
  s.remove_prefix(n);
  *v = r;
  return true;
}

// Accepts YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, optionally followed by [ T]HH:MM:SS[.ffffff].
bool parse_datetime(std::string_view s, int f[6], int* micros, bool* has_time) {
  *micros = 0;
  *has_time = false;
  f[3] = f[4] = f[5] = 0;
  if (s.size() >= 8 && all_digits(s.substr(0, 8)) &&
      (s.size() == 8 || s[8] == ' ' || s[8] == 'T')) {
    f[0] = std::atoi(std::string(s.substr(0, 4)).c_str());
    f[1] = (s[4] - '0') * 10 + (s[5] - '0');
    f[2] = (s[6] - '0') * 10 + (s[7] - '0');
    s.remove_prefix(8);
  } else {
    if (!read_num(s, 4, &f[0]) || s.empty() || (s[0] != '-' && s[0] != '/')) {
      return false;
    }
    char sep = s[0];
    s.remove_prefix(1);
    if (!read_num(s, 2, &f[1]) || s.empty() || s[0] != sep) {
      return false;
    }
    s.remove_prefix(1);
    if (!read_num(s, 2, &f[2])) {
      return false;
    }
  }
  if (!s.empty()) {
    if (s[0] != ' ' && s[0] != 'T') {
      return false;
    }
    s.remove_prefix(1);
    *has_time = true;
    if (!read_num(s, 2, &f[3]) || s.empty() || s[0] != ':' || (s.remove_prefix(1), false) ||
        !read_num(s, 2, &f[4]) || s.empty() || s[0] != ':' || (s.remove_prefix(1), false) ||
        !read_num(s, 2, &f[5])) {
      return false;
    }
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t n = 0;
      int us = 0;
      while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
        if (n < 6) {
          us = us * 10 + (s[n] - '0');
        }
        ++n;
      }
      if (n == 0) {
        return false;
      }
      for (size_t i = n; i < 6; ++i) {
        us *= 10;
      }
      *micros = us;
      s.remove_prefix(n);
    }
    if (!s.empty()) {
      return false;
    }
  }
  if (f[0] > 9999 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > days_in_month(f[0], f[1]) ||
      f[3] > 23 || f[4] > 59 || f[5] > 59) {
    return false;
  }
  return true;
}

// "YYYY-MM-DD HH:MM:SS" checked directly (the common shape); nullopt for any other shape.
std::optional<bool> plain_datetime_valid(std::string_view s) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  int v[6];
  static constexpr int kPos[6] = {0, 5, 8, 11, 14, 17};
  for (int i = 0; i < 6; ++i) {
    int n = 0;
    int width = i == 0 ? 4 : 2;
    for (int k = 0; k < width; ++k) {
      unsigned d = static_cast<unsigned>(s[static_cast<size_t>(kPos[i] + k)] - '0');
      if (d > 9) {
        return std::nullopt;
      }
      n = n * 10 + static_cast<int>(d);
    }
    v[i] = n;
  }
  return v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= days_in_month(v[0], v[1]) && v[3] <= 23 &&
         v[4] <= 59 && v[5] <= 59;
}

ConvertStatus convert_date(const ColumnType& t, std::string_view s, std::string* out) {
  if (out == nullptr) {
    if (auto ok = plain_datetime_valid(s)) {
      return *ok ? ConvertStatus::kOk : ConvertStatus::kInvalid;
    }
  }
  int f[6];
  int micros = 0;
  bool has_time = false;
  if (!parse_datetime(trim(s), f, &micros, &has_time)) {
    return ConvertStatus::kInvalid;
  }
  if (out != nullptr) {
    char buf[40];
    int n = 0;
    if (t.kind == TypeKind::kDate) {
      n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", f[0], f[1], f[2]);
    } else if (micros != 0) {
      n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%06d", f[0], f[1], f[2],
                        f[3], f[4], f[5], micros);
    } else {
      n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", f[0], f[1], f[2], f[3],
                        f[4], f[5]);
    }
    out->assign(buf, static_cast<size_t>(n));
  }
  return ConvertStatus::kOk;
}

ConvertStatus convert_json(std::string_view s, std::string* out) {
  rapidjson::Document d;
  d.Parse(s.data(), s.size());
  if (d.HasParseError()) {
    // A bare string is stored as a JSON string value.
    if (out != nullptr) {
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      out->assign(sb.GetString(), sb.GetSize());
    }
    return ConvertStatus::kOk;
  }
  if (out != nullptr) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d.Accept(w);
    out->assign(sb.GetString(), sb.GetSize());
  }
  return ConvertStatus::kOk;
}

}  // namespace

bool ColumnType::is_integer() const {
  return kind == TypeKind::kTinyint || kind == TypeKind::kSmallint || kind == TypeKind::kInt ||
         kind == TypeKind::kBigint || kind == TypeKind::kLargeint;
}
bool ColumnType::is_numeric() const {
  return is_integer() || kind == TypeKind::kFloat || kind == TypeKind::kDouble ||
         kind == TypeKind::kDecimal || kind == TypeKind::kBoolean;
}
bool ColumnType::is_string() const {
  return kind == TypeKind::kChar || kind == TypeKind::kVarchar || kind == TypeKind::kString;
}

std::string ColumnType::to_sql() const {
  switch (kind) {
    case TypeKind::kBoolean:
      return "boolean";
    case TypeKind::kTinyint:
      return "tinyint(4)";
    case TypeKind::kSmallint:
      return "smallint(6)";
    case TypeKind::kInt:
      return "int(11)";
    case TypeKind::kBigint:
      return "bigint(20)";
    case TypeKind::kLargeint:
      return "largeint(40)";
    case TypeKind::kFloat:
      return "float";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kDecimal:
      return "decimal(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
    case TypeKind::kChar:
      return "char(" + std::to_string(length) + ")";
    case TypeKind::kVarchar:
      return "varchar(" + std::to_string(length) + ")";
    case TypeKind::kString:
      return "varchar(65533)";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kDatetime:
      return "datetime";
    case TypeKind::kJson:
      return "json";
    case TypeKind::kVarbinary:
      return length > 0 ? "varbinary(" + std::to_string(length) + ")" : "varbinary";
  }
  return "unknown";
}

std::string ColumnType::data_type_name() const {
  switch (kind) {
    case TypeKind::kBoolean:
      return "tinyint";
    case TypeKind::kString:
      return "varchar";
    default:
      break;
  }
  std::string s = to_sql();
  return s.substr(0, s.find('('));
}

std::optional<ColumnType> parse_column_type(std::string_view text, std::string* error) {
  std::string t = lower(trim(text));
  std::string base = t;
  std::vector<int> args;
  if (auto p = t.find('('); p != std::string::npos) {
    base = std::string(trim(std::string_view(t).substr(0, p)));
    auto close = t.find(')', p);
    if (close == std::string::npos) {
      *error = "Unbalanced parentheses in type " + std::string(text);
      return std::nullopt;
    }
    std::string inner = t.substr(p + 1, close - p - 1);
    size_t start = 0;
    while (start <= inner.size()) {
      size_t comma = inner.find(',', start);
      std::string part(trim(std::string_view(inner).substr(
          start, comma == std::string::npos ? std::string::npos : comma - start)));
      args.push_back(std::atoi(part.c_str()));
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
    std::string rest(trim(std::string_view(t).substr(close + 1)));
    if (!rest.empty()) {
      *error = "Unsupported type modifier '" + rest + "' in " + std::string(text);
      return std::nullopt;
    }
  } else if (t.find(' ') != std::string::npos) {
    *error = "Unsupported type " + std::string(text);
    return std::nullopt;
  }
  ColumnType ct;
  if (base == "boolean" || base == "bool") {
    ct.kind = TypeKind::kBoolean;
  } else if (base == "tinyint") {
    ct.kind = TypeKind::kTinyint;
  } else if (base == "smallint") {
    ct.kind = TypeKind::kSmallint;
  } else if (base == "int" || base == "integer") {
    ct.kind = TypeKind::kInt;
  } else if (base == "bigint") {
    ct.kind = TypeKind::kBigint;
  } else if (base == "largeint") {
    ct.kind = TypeKind::kLargeint;
  } else if (base == "float") {
    ct.kind = TypeKind::kFloat;
  } else if (base == "double") {
    ct.kind = TypeKind::kDouble;
  } else if (base == "decimal" || base == "decimalv2" || base == "decimal32" ||
             base == "decimal64" || base == "decimal128" || base == "numeric") {
    ct.kind = TypeKind::kDecimal;
    ct.precision = args.empty() ? 10 : args[0];
    ct.scale = args.size() > 1 ? args[1] : 0;
    if (ct.precision < 1 || ct.precision > 38 || ct.scale < 0 || ct.scale > ct.precision) {
      *error = "DECIMAL's precision should range from 1 to 38 and scale from 0 to precision";
      return std::nullopt;
    }
  } else if (base == "char") {
    ct.kind = TypeKind::kChar;
    ct.length = args.empty() ? 1 : args[0];
    if (ct.length < 1 || ct.length > 255) {
      *error = "Char size must be between 1 and 255";
      return std::nullopt;
    }
  } else if (base == "varchar") {
    ct.kind = TypeKind::kVarchar;
    ct.length = args.empty() ? 1 : args[0];
    if (ct.length < 1 || ct.length > 1048576) {
      *error = "VARCHAR size must be between 1 and 1048576";
      return std::nullopt;
    }
  } else if (base == "string" || base == "text") {
    ct.kind = TypeKind::kString;
    ct.length = 65533;
  } else if (base == "date") {
    ct.kind = TypeKind::kDate;
  } else if (base == "datetime" || base == "timestamp") {
    ct.kind = TypeKind::kDatetime;
  } else if (base == "json") {
    ct.kind = TypeKind::kJson;
  } else if (base == "varbinary" || base == "binary" || base == "blob") {
    ct.kind = TypeKind::kVarbinary;
    ct.length = args.empty() ? -1 : args[0];
  } else {
    *error = "Unknown or unsupported type " + std::string(text);
    return std::nullopt;
  }
  return ct;
}

ConvertStatus convert_value(const ColumnType& t, std::string_view in, std::string* out) {
  switch (t.kind) {
    case TypeKind::kBoolean:
      return convert_boolean(in, out);
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kLargeint:
      return convert_integer(t, in, out);
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      return convert_floating(t, in, out);
    case TypeKind::kDecimal:
      return convert_decimal(t, in, out);
    case TypeKind::kChar:
    case TypeKind::kVarchar:
    case TypeKind::kString:
    case TypeKind::kVarbinary:
      if (t.length > 0 && in.size() > static_cast<size_t>(t.length)) {
        return ConvertStatus::kTooLong;
      }
      if (out != nullptr) {
        out->assign(in);
      }
      return ConvertStatus::kOk;
    case TypeKind::kDate:
    case TypeKind::kDatetime:
      return convert_date(t, in, out);
    case TypeKind::kJson:
      return convert_json(in, out);
  }
  return ConvertStatus::kInvalid;
}

namespace {
// Compares two canonical decimal/integer texts numerically.
int compare_decimal_text(std::string_view a, std::string_view b) {
  bool na = !a.empty() && a[0] == '-';
  bool nb = !b.empty() && b[0] == '-';
  if (na != nb) {
    return na ? -1 : 1;
  }
  if (na) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  size_t ia = a.find('.');
  size_t ib = b.find('.');
  std::string_view ai = a.substr(0, ia);
  std::string_view bi = b.substr(0, ib);
  int r = 0;
  if (ai.size() != bi.size()) {
    r = ai.size() < bi.size() ? -1 : 1;
  } else {
    int c = ai.compare(bi);
    if (c == 0) {
      std::string_view af = ia == std::string_view::npos ? "" : a.substr(ia + 1);
      std::string_view bf = ib == std::string_view::npos ? "" : b.substr(ib + 1);
      c = af.compare(bf);
    }
    r = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return na ? -r : r;
}
}  // namespace

int compare_values(const ColumnType& t, std::string_view a, std::string_view b) {
  if (t.is_integer() || t.kind == TypeKind::kDecimal || t.kind == TypeKind::kBoolean) {
    return compare_decimal_text(a, b);
  }
  if (t.kind == TypeKind::kFloat || t.kind == TypeKind::kDouble) {
    double x = std::strtod(std::string(a).c_str(), nullptr);
    double y = std::strtod(std::string(b).c_str(), nullptr);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void append_key_encoding(const ColumnType& t, std::string_view v, std::string* out) {
  if (t.is_integer() && t.kind != TypeKind::kLargeint) {
    int64_t x = 0;
    std::from_chars(v.data(), v.data() + v.size(), x);
    auto u = static_cast<uint64_t>(x) ^ (uint64_t{1} << 63);
    for (int i = 7; i >= 0; --i) {
      out->push_back(static_cast<char>((u >> (i * 8)) & 0xff));
    }
    return;
  }
  if (t.kind == TypeKind::kLargeint || t.kind == TypeKind::kBoolean) {
    // sign, length, digits: orders correctly for canonical integers.
    bool neg = !v.empty() && v[0] == '-';
    std::string_view d = neg ? v.substr(1) : v;
    out->push_back(neg ? '0' : '1');
    char len = static_cast<char>(d.size());
    if (neg) {
      out->push_back(static_cast<char>(100 - len));
      for (char c : d) {
        out->push_back(static_cast<char>('9' - c + '0'));
      }
      out->push_back('~');
    } else {
      out->push_back(len);
      out->append(d);
    }
    return;
  }
  // Strings and dates: escape 0x00 so a terminator sorts first.
  for (char c : v) {
    if (c == '\0') {
      out->push_back('\0');
      out->push_back('\xff');
    } else {
      out->push_back(c);
    }
  }
  out->push_back('\0');
  out->push_back('\0');
}

bool renders_as_json_number(const ColumnType& t) {
  return t.is_integer() || t.kind == TypeKind::kFloat || t.kind == TypeKind::kDouble ||
         t.kind == TypeKind::kBoolean;
}

}  // namespace emu
