// Log lines and metrics of the checkpoint coordinator (component "pipeline.checkpoint").
// Field names here are part of the operations contract (docs/operations.md).
#pragma once

#include <cstdint>
#include <string_view>

#include "pipeline/model/schema_change.hpp"

namespace starcdc::checkpoint_events {

void epoch_committed(uint64_t epoch, uint64_t tables, uint64_t rows, uint64_t bytes, double seconds,
                     std::string_view position, int64_t lag_ms);
void table_committed(std::string_view table, uint64_t rows, uint64_t bytes);
void epoch_prepared(uint64_t epoch, uint64_t tables);
void recovery_started(uint64_t epoch, bool committed, uint64_t prepared, std::string_view position);
void recovery_committed_pending(uint64_t epoch, uint64_t prepared);
void recovery_finished(uint64_t next_epoch, std::string_view position);
void epoch_replayed(uint64_t epoch, std::string_view from_position);
void schema_change_applied(const SchemaChange& c, double seconds);
void checkpoint_failed(uint64_t epoch, std::string_view error);

}  // namespace starcdc::checkpoint_events
