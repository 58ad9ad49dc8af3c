// Date-time text by pattern for the transform functions: Java-style patterns (yyyy-MM-dd
// HH:mm:ss.SSS, text in quotes) as Flink CDC writes them, and MySQL-style ones (%Y-%m-%d
// %H:%i:%s.%f) for formatting. Times are microseconds since 1970-01-01, no time zone. Thread:
// any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace starcdc::transform {

struct Civil {
  int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
};

Civil civil(int64_t us);
std::string format_time(int64_t us, std::string_view pattern);
// Reads `text` by a Java-style pattern; nullopt when it does not match or names no real day.
std::optional<int64_t> parse_time(std::string_view text, std::string_view pattern);

}  // namespace starcdc::transform
