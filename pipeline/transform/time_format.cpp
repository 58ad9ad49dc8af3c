#include "pipeline/transform/time_format.hpp"

#include "pipeline/model/calendar.hpp"

namespace starcdc::transform {
namespace {

void put_num(std::string& out, int64_t v, int width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) {
    out.push_back('-');
  }
  for (int i = static_cast<int>(digits.size()); i < width; ++i) {
    out.push_back('0');
  }
  out += digits;
}

}  // namespace

Civil civil(int64_t us) {
  int64_t days = us / kMicrosPerDay;
  int64_t rem = us % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  Civil t;
  civil_from_days(days, t.year, t.month, t.day);
  const int64_t secs = rem / kMicrosPerSecond;
  t.micros = rem % kMicrosPerSecond;
  t.hour = static_cast<unsigned>(secs / 3600);
  t.minute = static_cast<unsigned>(secs / 60 % 60);
  t.second = static_cast<unsigned>(secs % 60);
  return t;
}

// Formats by a Java-style pattern (yyyy-MM-dd HH:mm:ss.SSS, text in '') or, when it has a %, a
// MySQL-style one (%Y-%m-%d %H:%i:%s.%f).
std::string format_time(int64_t us, std::string_view pattern) {
  const Civil t = civil(us);
  std::string out;
  if (pattern.find('%') != std::string_view::npos) {
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] != '%' || i + 1 == pattern.size()) {
        out.push_back(pattern[i]);
        continue;
      }
      switch (pattern[++i]) {
        case 'Y':
          put_num(out, t.year, 4);
          break;
        case 'y':
          put_num(out, t.year % 100, 2);
          break;
        case 'm':
          put_num(out, t.month, 2);
          break;
        case 'd':
          put_num(out, t.day, 2);
          break;
        case 'H':
          put_num(out, t.hour, 2);
          break;
        case 'i':
          put_num(out, t.minute, 2);
          break;
        case 's':
        case 'S':
          put_num(out, t.second, 2);
          break;
        case 'f':
          put_num(out, t.micros, 6);
          break;
        default:
          out.push_back(pattern[i]);
      }
    }
    return out;
  }
  for (size_t i = 0; i < pattern.size();) {
    const char ch = pattern[i];
    if (ch == '\'') {
      const size_t end = pattern.find('\'', i + 1);
      out.append(pattern.substr(i + 1, end == std::string_view::npos ? end : end - i - 1));
      i = end == std::string_view::npos ? pattern.size() : end + 1;
      continue;
    }
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == ch) {
      ++run;
    }
    const int w = static_cast<int>(run);
    switch (ch) {
      case 'y':
        put_num(out, run == 2 ? t.year % 100 : t.year, w);
        break;
      case 'M':
        put_num(out, t.month, w);
        break;
      case 'd':
        put_num(out, t.day, w);
        break;
      case 'H':
        put_num(out, t.hour, w);
        break;
      case 'm':
        put_num(out, t.minute, w);
        break;
      case 's':
        put_num(out, t.second, w);
        break;
      case 'S': {
        std::string f;
        put_num(f, t.micros, 6);
        f.resize(run, '0');
        out += f;
        break;
      }
      default:
        out.append(run, ch);
    }
    i += run;
  }
  return out;
}

// Reads `text` by a Java-style pattern; nullopt when it does not match.
std::optional<int64_t> parse_time(std::string_view text, std::string_view pattern) {
  Civil t;
  size_t at = 0;
  auto number = [&](size_t max_digits, int64_t& out) {
    size_t n = 0;
    out = 0;
    while (at < text.size() && n < max_digits && text[at] >= '0' && text[at] <= '9') {
      out = out * 10 + (text[at++] - '0');
      ++n;
    }
    return n > 0;
  };
  for (size_t i = 0; i < pattern.size();) {
    const char ch = pattern[i];
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == ch) {
      ++run;
    }
    int64_t v = 0;
    bool ok = true;
    switch (ch) {
      case 'y':
        ok = number(run == 2 ? 2 : 4, v);
        t.year = run == 2 ? 2000 + v : v;
        break;
      case 'M':
        ok = number(2, v);
        t.month = static_cast<unsigned>(v);
        break;
      case 'd':
        ok = number(2, v);
        t.day = static_cast<unsigned>(v);
        break;
      case 'H':
        ok = number(2, v) && v < 24;
        t.hour = static_cast<unsigned>(v);
        break;
      case 'm':
        ok = number(2, v) && v < 60;
        t.minute = static_cast<unsigned>(v);
        break;
      case 's':
        ok = number(2, v) && v < 60;
        t.second = static_cast<unsigned>(v);
        break;
      case 'S': {
        const size_t start = at;
        ok = number(run, v);
        for (size_t k = at - start; k < 6; ++k) {
          v *= 10;
        }
        t.micros = v;
        break;
      }
      case '\'': {
        const size_t end = pattern.find('\'', i + 1);
        const std::string_view lit =
            pattern.substr(i + 1, end == std::string_view::npos ? end : end - i - 1);
        ok = text.substr(at, lit.size()) == lit;
        at += lit.size();
        i = end == std::string_view::npos ? pattern.size() : end + 1;
        if (!ok) {
          return std::nullopt;
        }
        continue;
      }
      default:
        for (size_t k = 0; k < run && ok; ++k) {
          ok = at < text.size() && text[at++] == ch;
        }
    }
    if (!ok) {
      return std::nullopt;
    }
    i += run;
  }
  if (at != text.size() || !is_valid_date(static_cast<uint32_t>(t.year), t.month, t.day)) {
    return std::nullopt;
  }
  return days_from_civil(t.year, t.month, t.day) * kMicrosPerDay +
         ((t.hour * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond + t.micros;
}

}  // namespace starcdc::transform
