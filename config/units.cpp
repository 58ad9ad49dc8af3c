#include "config/units.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace starcdc::config {
namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// Splits "500ms" into 500 and "ms". Returns false without digits or on overflow.
bool split_number(const std::string& s, uint64_t& number, std::string& unit) {
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || p == begin) {
    return false;
  }
  unit.assign(p, end);
  return true;
}

bool mul(uint64_t a, uint64_t b, uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) {
    return false;
  }
  out = a * b;
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string s = lower(text);
  uint64_t n = 0;
  std::string unit;
  if (!split_number(s, n, unit)) {
    return std::nullopt;
  }
  uint64_t factor = 0;
  if (unit.empty() || unit == "ms" || unit == "milli" || unit == "millis" ||
      unit == "millisecond" || unit == "milliseconds") {
    factor = 1;
  } else if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" ||
             unit == "seconds") {
    factor = 1000;
  } else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" ||
             unit == "minutes") {
    factor = 60'000;
  } else if (unit == "h" || unit == "hour" || unit == "hours") {
    factor = 3'600'000;
  } else if (unit == "d" || unit == "day" || unit == "days") {
    factor = 86'400'000;
  } else {
    return std::nullopt;
  }
  uint64_t ms = 0;
  if (!mul(n, factor, ms) || ms > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::optional<uint64_t> parse_bytes(std::string_view text) {
  const std::string s = lower(text);
  uint64_t n = 0;
  std::string unit;
  if (!split_number(s, n, unit)) {
    return std::nullopt;
  }
  uint64_t factor = 0;
  if (unit.empty() || unit == "b" || unit == "bytes") {
    factor = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    factor = uint64_t{1} << 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    factor = uint64_t{1} << 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    factor = uint64_t{1} << 30;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    factor = uint64_t{1} << 40;
  } else {
    return std::nullopt;
  }
  uint64_t bytes = 0;
  if (!mul(n, factor, bytes)) {
    return std::nullopt;
  }
  return bytes;
}

std::string format_duration(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) {
    return std::to_string(ms / 3'600'000) + "h";
  }
  if (ms != 0 && ms % 60'000 == 0) {
    return std::to_string(ms / 60'000) + "min";
  }
  if (ms != 0 && ms % 1000 == 0) {
    return std::to_string(ms / 1000) + "s";
  }
  return std::to_string(ms) + "ms";
}

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  while (u + 1 < std::size(kUnits) && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++u;
  }
  return std::to_string(bytes) + kUnits[u];
}

}  // namespace starcdc::config
