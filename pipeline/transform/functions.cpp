// The transform function library: string, numeric, conditional and temporal functions. Each
// entry checks its arguments' types when the rule is compiled and says what it returns.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "pipeline/model/calendar.hpp"
#include "pipeline/transform/convert.hpp"
#include "pipeline/transform/node.hpp"
#include "pipeline/transform/time_format.hpp"

namespace starcdc::transform {
namespace {

Value text_value(std::string_view s) { return Value::string(s); }

// ---- strings ----

Value eval_case_map(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  if (v.is_null()) {
    return v;
  }
  const std::string_view s = v.text();
  char* p = c.arena->allocate(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    p[i] = n.flag ? static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch)
                  : static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  }
  return text_value(std::string_view(p, s.size()));
}

Value eval_concat(const Node& n, RowContext& c) {
  std::string_view parts[64];
  size_t total = 0;
  for (size_t i = 0; i < n.args.size(); ++i) {
    const Value v = eval(n.args[i], c);
    if (v.is_null()) {
      return v;
    }
    parts[i] = text_of(v, *c.arena);
    total += parts[i].size();
  }
  char* p = c.arena->allocate(total);
  size_t at = 0;
  for (size_t i = 0; i < n.args.size(); ++i) {
    if (!parts[i].empty()) {
      std::memcpy(p + at, parts[i].data(), parts[i].size());
      at += parts[i].size();
    }
  }
  return text_value(std::string_view(p, total));
}

// Byte offset of UTF-8 character `chars` in s (s.size() past the end).
size_t char_offset(std::string_view s, int64_t chars) {
  size_t i = 0;
  while (i < s.size() && chars > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
      ++i;
    }
    --chars;
  }
  return i;
}

Value eval_substring(const Node& n, RowContext& c) {
  const Value s = eval(n.args[0], c);
  const Value pos = eval(n.args[1], c);
  const Value len = n.args.size() > 2 ? eval(n.args[2], c) : Value::int64(INT64_MAX);
  if (s.is_null() || pos.is_null() || len.is_null()) {
    return Value::null();
  }
  const std::string_view t = s.text();
  const auto count = static_cast<int64_t>(char_count(t));
  int64_t start = pos.i > 0 ? pos.i - 1 : (pos.i < 0 ? count + pos.i : 0);
  if (start < 0 || start >= count || len.i <= 0) {
    return text_value({});
  }
  const size_t from = char_offset(t, start);
  const size_t to = from + char_offset(t.substr(from), len.i);
  return text_value(t.substr(from, to - from));
}

Value eval_char_length(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  return v.is_null() ? v : Value::int64(static_cast<int64_t>(char_count(v.text())));
}

Value eval_trim(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  if (v.is_null()) {
    return v;
  }
  std::string_view s = v.text();
  if (n.aux != 2) {  // not RTRIM
    while (!s.empty() && s.front() == ' ') {
      s.remove_prefix(1);
    }
  }
  if (n.aux != 1) {  // not LTRIM
    while (!s.empty() && s.back() == ' ') {
      s.remove_suffix(1);
    }
  }
  return text_value(s);
}

Value eval_replace(const Node& n, RowContext& c) {
  const Value s = eval(n.args[0], c);
  const Value from = eval(n.args[1], c);
  const Value to = eval(n.args[2], c);
  if (s.is_null() || from.is_null() || to.is_null()) {
    return Value::null();
  }
  const std::string_view t = s.text();
  const std::string_view f = from.text();
  if (f.empty()) {
    return s;
  }
  std::string out;
  size_t i = 0;
  for (size_t hit = t.find(f); hit != std::string_view::npos; hit = t.find(f, i)) {
    out.append(t.substr(i, hit - i));
    out.append(to.text());
    i = hit + f.size();
  }
  out.append(t.substr(i));
  return text_value(c.arena->copy(out));
}

// ---- numbers ----

Value eval_abs(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  switch (v.kind) {
    case ValueKind::Int:
      if (v.i == INT64_MIN) {
        throw Error(ErrorKind::Data, "BIGINT overflow in ABS");
      }
      return Value::int64(v.i < 0 ? -v.i : v.i);
    case ValueKind::Double:
      return Value::float64(std::fabs(v.d));
    case ValueKind::Decimal:
      return v.text().starts_with('-') ? Value::decimal(v.text().substr(1)) : v;
    default:
      return v;
  }
}

// CEIL (aux 1), FLOOR (aux -1), ROUND (aux 0, to n.type.scale digits).
Value eval_rounding(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  if (v.is_null()) {
    return v;
  }
  if (n.type.type == Type::Double) {
    const double d = to_double(v);
    if (n.aux > 0) {
      return Value::float64(std::ceil(d));
    }
    if (n.aux < 0) {
      return Value::float64(std::floor(d));
    }
    const double f = std::pow(10.0, static_cast<double>(n.type.scale));
    return Value::float64(std::round(d * f) / f);
  }
  if (v.kind == ValueKind::Int || v.kind == ValueKind::UInt) {
    return v;
  }
  auto d = to_dec(v);
  if (!d) {
    return Value::null();
  }
  if (n.aux != 0 && d->scale > 0) {
    Int128 f = 1;
    for (int i = 0; i < d->scale; ++i) {
      f *= 10;
    }
    Int128 q = d->v / f;
    const Int128 r = d->v % f;
    if (n.aux > 0 && r > 0) {
      ++q;
    } else if (n.aux < 0 && r < 0) {
      --q;
    }
    d->v = q;
    d->scale = 0;
  }
  if (!rescale(*d, n.type.scale)) {
    throw Error(ErrorKind::Data, "DECIMAL overflow in ROUND");
  }
  return dec_value(*d, *c.arena);
}

// ---- conditionals ----

Value eval_coalesce(const Node& n, RowContext& c) {
  for (const Node& a : n.args) {
    const Value v = eval(a, c);
    if (!v.is_null()) {
      return v;
    }
  }
  return Value::null();
}

Value eval_if(const Node& n, RowContext& c) {
  const Value cond = eval(n.args[0], c);
  return !cond.is_null() && cond.i != 0 ? eval(n.args[1], c) : eval(n.args[2], c);
}

Value eval_nullif(const Node& n, RowContext& c) {
  const Value a = eval(n.args[0], c);
  const Value b = eval(n.args[1], c);
  if (!a.is_null() && !b.is_null() && compare(a, b) == 0) {
    return Value::null();
  }
  return a;
}

// ---- temporal ----

// A temporal argument as micros: a temporal value, or text read as a date-time.
std::optional<int64_t> micros_arg(const Value& v) {
  switch (v.kind) {
    case ValueKind::Date:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
      return micros_of(v);
    case ValueKind::String: {
      auto t = parse_temporal(v.text(), v.size > 10 ? Type::DateTime : Type::Date);
      if (!t) {
        return std::nullopt;
      }
      return micros_of(*t);
    }
    default:
      return std::nullopt;
  }
}

// Processing time, read once per row and only by the functions that need it.
int64_t now_of(RowContext& c) {
  if (c.now_us == 0) {
    c.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  }
  return c.now_us;
}

Value eval_now(const Node& n, RowContext& c) {
  const int64_t us = now_of(c) / 1000 * 1000;
  if (n.type.type == Type::Date) {
    return Value::temporal(ValueKind::Date, us / kMicrosPerDay, 0);
  }
  return Value::temporal(
      n.type.type == Type::Timestamp ? ValueKind::Timestamp : ValueKind::DateTime, us, 3);
}

Value eval_date_format(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  const Value f = n.args.size() > 1 ? eval(n.args[1], c) : text_value(n.text);
  if (v.is_null() || f.is_null()) {
    return Value::null();
  }
  std::optional<int64_t> us;
  if (v.kind == ValueKind::Int || v.kind == ValueKind::UInt) {  // FROM_UNIXTIME(seconds)
    int64_t s = 0;
    if (!to_int(v, s)) {
      return Value::null();
    }
    us = s * kMicrosPerSecond;
  } else {
    us = micros_arg(v);
  }
  if (!us) {
    return Value::null();
  }
  return text_value(c.arena->copy(format_time(*us, f.text())));
}

// TO_DATE (type Date) and TO_TIMESTAMP (type DateTime): NULL when the text does not match.
Value eval_to_temporal(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  if (v.is_null()) {
    return v;
  }
  std::optional<int64_t> us;
  if (n.args.size() > 1) {
    const Value f = eval(n.args[1], c);
    if (f.is_null()) {
      return f;
    }
    us = parse_time(v.text(), f.text());
  } else {
    us = micros_arg(v);
  }
  if (!us) {
    return Value::null();
  }
  if (n.type.type == Type::Date) {
    return Value::temporal(ValueKind::Date, *us / kMicrosPerDay - (*us % kMicrosPerDay < 0), 0);
  }
  return Value::temporal(ValueKind::DateTime, *us, n.type.scale);
}

// YEAR .. SECOND: aux picks the field.
Value eval_extract(const Node& n, RowContext& c) {
  const Value v = eval(n.args[0], c);
  auto us = v.is_null() ? std::nullopt : micros_arg(v);
  if (!us) {
    return Value::null();
  }
  const Civil t = civil(*us);
  const int64_t fields[] = {t.year, t.month, t.day, t.hour, t.minute, t.second};
  return Value::int64(fields[n.aux]);
}

Value eval_unix_timestamp(const Node& n, RowContext& c) {
  if (n.args.empty()) {
    return Value::int64(now_of(c) / kMicrosPerSecond);
  }
  const Value v = eval(n.args[0], c);
  auto us = v.is_null() ? std::nullopt : micros_arg(v);
  if (!us) {
    return Value::null();
  }
  return Value::int64(*us / kMicrosPerSecond - (*us % kMicrosPerSecond < 0));
}

enum Unit : int64_t { kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };

std::optional<int64_t> unit_from(std::string u) {
  std::transform(u.begin(), u.end(), u.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  static const char* const kNames[] = {"SECOND", "MINUTE", "HOUR",    "DAY",
                                       "WEEK",   "MONTH",  "QUARTER", "YEAR"};
  for (int64_t i = 0; i < 8; ++i) {
    if (u == kNames[i]) {
      return i;
    }
  }
  return std::nullopt;
}

int64_t months_between(int64_t a, int64_t b) {
  const Civil x = civil(a);
  const Civil y = civil(b);
  int64_t m = (y.year - x.year) * 12 + (static_cast<int64_t>(y.month) - x.month);
  // A month is whole only when the later day-and-time reaches the earlier one's.
  const int64_t xr = a - days_from_civil(x.year, x.month, 1) * kMicrosPerDay;
  const int64_t yr = b - days_from_civil(y.year, y.month, 1) * kMicrosPerDay;
  if (m > 0 && yr < xr) {
    --m;
  } else if (m < 0 && yr > xr) {
    ++m;
  }
  return m;
}

Value eval_timestampdiff(const Node& n, RowContext& c) {
  const Value a = eval(n.args[1], c);
  const Value b = eval(n.args[2], c);
  auto x = a.is_null() ? std::nullopt : micros_arg(a);
  auto y = b.is_null() ? std::nullopt : micros_arg(b);
  if (!x || !y) {
    return Value::null();
  }
  static const int64_t kPer[] = {kMicrosPerSecond, 60 * kMicrosPerSecond, 3600 * kMicrosPerSecond,
                                 kMicrosPerDay, 7 * kMicrosPerDay};
  if (n.aux <= kWeek) {
    return Value::int64((*y - *x) / kPer[n.aux]);
  }
  const int64_t m = months_between(*x, *y);
  return Value::int64(n.aux == kMonth ? m : (n.aux == kQuarter ? m / 3 : m / 12));
}

Value eval_timestampadd(const Node& n, RowContext& c) {
  const Value amount = eval(n.args[1], c);
  const Value t = eval(n.args[2], c);
  int64_t k = 0;
  auto us = t.is_null() ? std::nullopt : micros_arg(t);
  if (!us || amount.is_null() || !to_int(amount, k)) {
    return Value::null();
  }
  static const int64_t kPer[] = {kMicrosPerSecond, 60 * kMicrosPerSecond, 3600 * kMicrosPerSecond,
                                 kMicrosPerDay, 7 * kMicrosPerDay};
  int64_t out = 0;
  if (n.aux <= kWeek) {
    out = *us + k * kPer[n.aux];
  } else {
    const int64_t months = n.aux == kMonth ? k : (n.aux == kQuarter ? 3 * k : 12 * k);
    Civil x = civil(*us);
    const int64_t total = x.year * 12 + (x.month - 1) + months;
    const int64_t year = total / 12;
    const auto month = static_cast<unsigned>(total % 12 + 1);
    unsigned day = x.day;
    while (day > 28 && !is_valid_date(static_cast<uint32_t>(year), month, day)) {
      --day;
    }
    out = days_from_civil(year, month, day) * kMicrosPerDay +
          (*us - days_from_civil(x.year, x.month, x.day) * kMicrosPerDay);
  }
  return Value::temporal(
      n.type.type == Type::Timestamp ? ValueKind::Timestamp : ValueKind::DateTime, out,
      n.type.scale);
}

// ---- the table ----

void arity(const Compiler& c, const Expr& e, size_t n, size_t min, size_t max) {
  if (n < min || n > max) {
    std::string want = min == max
                           ? std::to_string(min)
                           : (max == SIZE_MAX ? "at least " + std::to_string(min)
                                              : std::to_string(min) + " to " + std::to_string(max));
    c.fail(e, e.text + " takes " + want + " argument" + (max == 1 && min == 1 ? "" : "s") +
                  ", not " + std::to_string(n));
  }
}

void want(const Compiler& c, const Expr& e, const Node& arg, size_t i, bool ok, const char* what) {
  if (!ok && arg.type.type != Type::Null) {
    c.fail(e.args[i], e.text + " argument " + std::to_string(i + 1) + " must be " + what +
                          ", not " + type_name(arg.type.type));
  }
}

bool text_like(Type t) { return t == Type::String; }
bool int_like(Type t) { return t == Type::Int || t == Type::UInt; }
bool time_like(Type t) { return is_temporal(t) || t == Type::String; }

}  // namespace

Node compile_call(Compiler& c, const Expr& e, std::vector<Node> args) {
  const std::string& f = e.text;
  const size_t n = args.size();
  Node out;
  auto finish = [&](Node::Fn fn, TypeInfo type) {
    out.fn = fn;
    out.type = type;
    out.args = std::move(args);
    return std::move(out);
  };
  const TypeInfo kString{Type::String, 0, 0, 0};
  const TypeInfo kInt{Type::Int, 0, 0, 0};
  if (f == "UPPER" || f == "LOWER") {
    arity(c, e, n, 1, 1);
    want(c, e, args[0], 0, text_like(args[0].type.type), "text");
    out.flag = f == "UPPER";
    return finish(eval_case_map, args[0].type);
  }
  if (f == "CONCAT") {
    arity(c, e, n, 1, 64);
    uint32_t len = 0;
    for (const Node& a : args) {
      len = a.type.type == Type::String && a.type.length > 0 && len != UINT32_MAX
                ? len + a.type.length
                : UINT32_MAX;
    }
    return finish(eval_concat, TypeInfo{Type::String, 0, 0, len == UINT32_MAX ? 0 : len});
  }
  if (f == "SUBSTR" || f == "SUBSTRING") {
    arity(c, e, n, 2, 3);
    want(c, e, args[0], 0, text_like(args[0].type.type), "text");
    for (size_t i = 1; i < n; ++i) {
      want(c, e, args[i], i, args[i].type.type == Type::Int, "an integer");
    }
    return finish(eval_substring, args[0].type);
  }
  if (f == "CHAR_LENGTH" || f == "CHARACTER_LENGTH") {
    arity(c, e, n, 1, 1);
    want(c, e, args[0], 0, text_like(args[0].type.type), "text");
    return finish(eval_char_length, kInt);
  }
  if (f == "TRIM" || f == "LTRIM" || f == "RTRIM") {
    arity(c, e, n, 1, 1);
    want(c, e, args[0], 0, text_like(args[0].type.type), "text");
    out.aux = f == "TRIM" ? 0 : (f == "LTRIM" ? 1 : 2);
    return finish(eval_trim, args[0].type);
  }
  if (f == "REPLACE") {
    arity(c, e, n, 3, 3);
    for (size_t i = 0; i < n; ++i) {
      want(c, e, args[i], i, text_like(args[i].type.type), "text");
    }
    return finish(eval_replace, kString);
  }
  if (f == "ABS") {
    arity(c, e, n, 1, 1);
    want(c, e, args[0], 0, is_numeric(args[0].type.type), "a number");
    return finish(eval_abs, args[0].type);
  }
  if (f == "CEIL" || f == "CEILING" || f == "FLOOR" || f == "ROUND") {
    arity(c, e, n, 1, f == "ROUND" ? 2 : 1);
    want(c, e, args[0], 0, is_numeric(args[0].type.type), "a number");
    TypeInfo t = args[0].type;
    int64_t places = 0;
    if (n == 2) {
      if (args[1].fn == nullptr || args[1].type.type != Type::Int || !args[1].args.empty() ||
          args[1].constant.kind != ValueKind::Int || args[1].constant.i < 0 ||
          args[1].constant.i > 30) {
        c.fail(e.args[1], "ROUND's second argument must be an integer literal from 0 to 30");
      }
      places = args[1].constant.i;
      args.pop_back();
    }
    out.aux = f == "ROUND" ? 0 : (f == "FLOOR" ? -1 : 1);
    if (t.type == Type::Decimal) {
      const int whole = t.precision - t.scale + 1;
      t.scale = static_cast<uint8_t>(std::min<int64_t>(places, t.scale));
      t.precision = static_cast<uint8_t>(std::min(whole + t.scale, kMaxDecimalDigits));
    } else if (t.type == Type::Double) {
      t.scale = static_cast<uint8_t>(places);
    }
    return finish(eval_rounding, t);
  }
  if (f == "MOD") {
    arity(c, e, n, 2, 2);
    Expr op = e;
    op.kind = Expr::Kind::Binary;
    op.text = "%";
    return c.compile(op);
  }
  if (f == "COALESCE" || f == "IFNULL") {
    arity(c, e, n, f == "IFNULL" ? 2 : 1, f == "IFNULL" ? 2 : 64);
    TypeInfo t;
    for (size_t i = 0; i < n; ++i) {
      t = c.common(e.args[i], t, args[i].type);
    }
    for (Node& a : args) {
      a = Compiler::convert(std::move(a), t);
    }
    return finish(eval_coalesce, t);
  }
  if (f == "IF") {
    arity(c, e, n, 3, 3);
    want(c, e, args[0], 0, args[0].type.type == Type::Bool, "a condition");
    const TypeInfo t = c.common(e, args[1].type, args[2].type);
    args[1] = Compiler::convert(std::move(args[1]), t);
    args[2] = Compiler::convert(std::move(args[2]), t);
    return finish(eval_if, t);
  }
  if (f == "NULLIF") {
    arity(c, e, n, 2, 2);
    c.make_comparable(e, args[0], args[1], "NULLIF");
    const TypeInfo t = args[0].type;
    return finish(eval_nullif, t);
  }
  if (f == "NOW" || f == "CURRENT_TIMESTAMP" || f == "LOCALTIMESTAMP" || f == "CURRENT_DATE") {
    arity(c, e, n, 0, 0);
    const Type t = f == "CURRENT_DATE" ? Type::Date
                                       : (f == "LOCALTIMESTAMP" ? Type::DateTime : Type::Timestamp);
    return finish(eval_now, TypeInfo{t, 0, static_cast<uint8_t>(t == Type::Date ? 0 : 3), 0});
  }
  if (f == "DATE_FORMAT") {
    arity(c, e, n, 2, 2);
    want(c, e, args[0], 0, time_like(args[0].type.type), "a date, a timestamp or text");
    want(c, e, args[1], 1, text_like(args[1].type.type), "a format text");
    return finish(eval_date_format, kString);
  }
  if (f == "FROM_UNIXTIME") {
    arity(c, e, n, 1, 2);
    want(c, e, args[0], 0, int_like(args[0].type.type), "an integer (seconds)");
    if (n == 2) {
      want(c, e, args[1], 1, text_like(args[1].type.type), "a format text");
    }
    out.text = "yyyy-MM-dd HH:mm:ss";
    return finish(eval_date_format, kString);
  }
  if (f == "TO_DATE" || f == "TO_TIMESTAMP") {
    arity(c, e, n, 1, 2);
    want(c, e, args[0], 0, text_like(args[0].type.type), "text");
    if (n == 2) {
      want(c, e, args[1], 1, text_like(args[1].type.type), "a format text");
    }
    return finish(eval_to_temporal, f == "TO_DATE" ? TypeInfo{Type::Date, 0, 0, 0}
                                                   : TypeInfo{Type::DateTime, 0, 3, 0});
  }
  static const char* const kFields[] = {"YEAR", "MONTH", "DAYOFMONTH", "HOUR", "MINUTE", "SECOND"};
  for (int64_t i = 0; i < 6; ++i) {
    if (f == kFields[i] || (i == 2 && f == "DAY")) {
      arity(c, e, n, 1, 1);
      want(c, e, args[0], 0, time_like(args[0].type.type), "a date or a timestamp");
      out.aux = i;
      return finish(eval_extract, kInt);
    }
  }
  if (f == "UNIX_TIMESTAMP") {
    arity(c, e, n, 0, 1);
    if (n == 1) {
      want(c, e, args[0], 0, time_like(args[0].type.type), "a date or a timestamp");
    }
    return finish(eval_unix_timestamp, kInt);
  }
  if (f == "TIMESTAMPDIFF" || f == "TIMESTAMPADD") {
    arity(c, e, n, 3, 3);
    auto unit = args[0].fn == nullptr ? unit_from(args[0].text) : std::nullopt;
    if (!unit) {
      c.fail(e.args[0], f + " needs a unit first: SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, "
                            "QUARTER or YEAR");
    }
    out.aux = *unit;
    if (f == "TIMESTAMPDIFF") {
      want(c, e, args[1], 1, time_like(args[1].type.type), "a date or a timestamp");
      want(c, e, args[2], 2, time_like(args[2].type.type), "a date or a timestamp");
      return finish(eval_timestampdiff, kInt);
    }
    want(c, e, args[1], 1, int_like(args[1].type.type), "an integer");
    want(c, e, args[2], 2, time_like(args[2].type.type), "a date or a timestamp");
    TypeInfo t = args[2].type;
    if (t.type != Type::Timestamp) {
      t = TypeInfo{Type::DateTime, 0, t.type == Type::DateTime ? t.scale : uint8_t{0}, 0};
    }
    return finish(eval_timestampadd, t);
  }
  c.fail(e, "unknown function " + f +
                " (see docs/configuration.md, \"Transform expressions\", for the list)");
}

}  // namespace starcdc::transform
