// The status of a pipeline as JSON (GET /status, `starcdc status --json`) or text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/checkpoint/checkpoint_record.hpp"

namespace starcdc {

struct StatusInput {
  std::string pipeline;
  std::string state;  // runtime state, or "not running" when read from the state directory
  std::string state_dir;
  const CheckpointRecord* last = nullptr;
  std::optional<uint64_t> buffered_bytes;  // live only
  int64_t now_unix_ms = 0;
};

std::string status_json(const StatusInput& in);
std::string status_text(const StatusInput& in);
std::string rfc3339_ms(int64_t unix_ms);

}  // namespace starcdc
