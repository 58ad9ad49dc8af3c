// Structured logs: one JSON object per line on stderr, written with one write(2). Fields:
// ts (RFC 3339 UTC, ms), level, pipeline, component, msg, then the event's fields. Components
// emit through their `*_events` functions, which own the field names. Thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace starcdc::log {

enum class Level : unsigned char { Trace, Debug, Info, Warn, Error };
enum class Format : unsigned char { Json, Text };

struct Field {
  using Value = std::variant<std::string_view, int64_t, uint64_t, double, bool>;
  // By reference: a text value views the caller's string (a std::string temporary lives until
  // the end of the log call), never a copy that dies with this constructor.
  template <typename T>
  Field(std::string_view k, const T& v) : key(k), value(convert(v)) {}  // NOLINT
  std::string_view key;
  Value value;

 private:
  template <typename T>
  static Value convert(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v;
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<double>(v);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      return static_cast<int64_t>(v);
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<uint64_t>(v);
    } else {
      return std::string_view(v);
    }
  }
};

// Sets the output format, the lowest level written and the pipeline name. Call before threads.
void configure(Format format, Level min_level, std::string pipeline);
void set_pipeline(std::string pipeline);
// Every later line has `secret` replaced by *** wherever it appears (messages and fields).
void add_redaction(std::string secret);
// Redacts registered secrets in `text` (for error messages printed outside the logger).
std::string redact(std::string_view text);
bool enabled(Level level);
Level parse_level(std::string_view name, bool* ok);

void write(Level level, std::string_view component, std::string_view msg,
           std::initializer_list<Field> fields = {});

inline void trace(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Trace, c, m, f);
}
inline void debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Debug, c, m, f);
}
inline void info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Info, c, m, f);
}
inline void warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Warn, c, m, f);
}
inline void error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::Error, c, m, f);
}

// Writes the log line into `out` without the trailing newline (for tests).
std::string format_for_test(Level level, std::string_view component, std::string_view msg,
                            std::initializer_list<Field> fields, int64_t unix_ms);

}  // namespace starcdc::log
