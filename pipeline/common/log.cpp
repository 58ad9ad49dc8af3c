#include "pipeline/common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <vector>

#include "pipeline/common/byte_buffer.hpp"

namespace starcdc::log {
namespace {

struct State {
  std::mutex mu;  // guards the fields below; writes themselves are one write(2) each
  Format format = Format::Json;
  std::string pipeline;
  std::vector<std::string> redactions;
};
State& state() {
  static State s;
  return s;
}
std::atomic<Level> g_min_level{Level::Info};

constexpr std::string_view level_name(Level l) {
  switch (l) {
    case Level::Trace:
      return "trace";
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
  }
  return "info";
}

std::string apply_redactions(std::string_view text, const std::vector<std::string>& secrets) {
  std::string s(text);
  for (const auto& secret : secrets) {
    size_t pos = 0;
    while ((pos = s.find(secret, pos)) != std::string::npos) {
      s.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return s;
}

void append_ts(ByteBuffer& out, int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>(unix_ms % 1000));
  out.append(std::string_view(buf, static_cast<size_t>(n)));
}

void append_value_json(ByteBuffer& out, const Field::Value& v,
                       const std::vector<std::string>& secrets) {
  if (const auto* s = std::get_if<std::string_view>(&v)) {
    append_json_string(out, secrets.empty() ? std::string(*s) : apply_redactions(*s, secrets));
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    out.append_int(*i);
  } else if (const auto* u = std::get_if<uint64_t>(&v)) {
    out.append_int(*u);
  } else if (const auto* d = std::get_if<double>(&v)) {
    out.append_double(*d);
  } else {
    out.append(std::get<bool>(v) ? "true" : "false");
  }
}

void append_value_text(ByteBuffer& out, const Field::Value& v,
                       const std::vector<std::string>& secrets) {
  if (const auto* s = std::get_if<std::string_view>(&v)) {
    const std::string text = secrets.empty() ? std::string(*s) : apply_redactions(*s, secrets);
    const bool quote = text.empty() || text.find_first_of(" \"=") != std::string::npos;
    if (quote) {
      append_json_string(out, text);
    } else {
      out.append(text);
    }
  } else {
    append_value_json(out, v, secrets);
  }
}

void format_line(ByteBuffer& out, Format format, std::string_view pipeline,
                 const std::vector<std::string>& secrets, Level level, std::string_view component,
                 std::string_view msg, std::initializer_list<Field> fields, int64_t unix_ms) {
  const std::string m = secrets.empty() ? std::string(msg) : apply_redactions(msg, secrets);
  if (format == Format::Json) {
    out.append("{\"ts\":\"");
    append_ts(out, unix_ms);
    out.append("\",\"level\":\"");
    out.append(level_name(level));
    out.append("\",\"pipeline\":");
    append_json_string(out, pipeline);
    out.append(",\"component\":");
    append_json_string(out, component);
    out.append(",\"msg\":");
    append_json_string(out, m);
    for (const auto& f : fields) {
      out.push_back(',');
      append_json_string(out, f.key);
      out.push_back(':');
      append_value_json(out, f.value, secrets);
    }
    out.push_back('}');
    return;
  }
  append_ts(out, unix_ms);
  out.push_back(' ');
  std::string lvl(level_name(level));
  for (auto& c : lvl) {
    c = static_cast<char>(c - 'a' + 'A');
  }
  lvl.resize(5, ' ');
  out.append(lvl);
  out.push_back(' ');
  out.append(component);
  out.append(": ");
  out.append(m);
  for (const auto& f : fields) {
    out.push_back(' ');
    out.append(f.key);
    out.push_back('=');
    append_value_text(out, f.value, secrets);
  }
}

}  // namespace

void configure(Format format, Level min_level, std::string pipeline) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  s.format = format;
  s.pipeline = std::move(pipeline);
  g_min_level.store(min_level);
}

void set_pipeline(std::string pipeline) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  s.pipeline = std::move(pipeline);
}

void add_redaction(std::string secret) {
  // Very short secrets would mask ordinary text; they are still masked where the code knows
  // a value is secret (Secret prints as ***).
  if (secret.size() < 3) {
    return;
  }
  auto& s = state();
  std::lock_guard lock(s.mu);
  for (const auto& known : s.redactions) {
    if (known == secret) {
      return;
    }
  }
  s.redactions.push_back(std::move(secret));
}

std::string redact(std::string_view text) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  return apply_redactions(text, s.redactions);
}

bool enabled(Level level) { return level >= g_min_level.load(std::memory_order_relaxed); }

Level parse_level(std::string_view name, bool* ok) {
  *ok = true;
  for (Level l : {Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error}) {
    if (name == level_name(l)) {
      return l;
    }
  }
  *ok = false;
  return Level::Info;
}

void write(Level level, std::string_view component, std::string_view msg,
           std::initializer_list<Field> fields) {
  if (!enabled(level)) {
    return;
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  ByteBuffer line(512);
  {
    auto& s = state();
    std::lock_guard lock(s.mu);
    format_line(line, s.format, s.pipeline, s.redactions, level, component, msg, fields, now_ms);
  }
  line.push_back('\n');
  const char* p = line.data();
  uint64_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) {
      return;  // stderr is gone; nothing better to do
    }
    p += n;
    left -= static_cast<uint64_t>(n);
  }
}

std::string format_for_test(Level level, std::string_view component, std::string_view msg,
                            std::initializer_list<Field> fields, int64_t unix_ms) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  ByteBuffer line;
  format_line(line, s.format, s.pipeline, s.redactions, level, component, msg, fields, unix_ms);
  return std::string(line.view());
}

}  // namespace starcdc::log
