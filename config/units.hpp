// Durations ("5s", "500ms", "1min", "2h"; a bare number is milliseconds, as Flink reads it) and
// sizes ("64MiB", "64mb", "1g"; k/m/g are powers of 1024, as Flink's MemorySize reads them).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace starcdc::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::optional<uint64_t> parse_bytes(std::string_view text);
std::string format_duration(std::chrono::milliseconds d);
std::string format_bytes(uint64_t bytes);

}  // namespace starcdc::config
