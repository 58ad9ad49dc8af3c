// CheckpointRecord: what the state store keeps: the last epoch, its source position, the
// transactions prepared for it and whether they are known to be committed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pipeline/model/position.hpp"
#include "pipeline/sink.hpp"

namespace starcdc {

struct TableCounters {
  uint64_t rows = 0;   // rows committed to this sink table since the state was created
  uint64_t bytes = 0;  // encoded bytes committed
  uint64_t last_epoch = 0;
};

// The columns a sink table has as the pipeline last told the sink (after the schema change
// behaviour), so a restart maps rows onto the same columns and names versions the same way.
struct SinkSchema {
  uint32_t version = 0;
  std::vector<Column> columns;
  std::vector<uint16_t> primary_key;
  bool operator==(const SinkSchema&) const = default;
};

struct CheckpointRecord {
  static constexpr uint32_t kFormatVersion = 1;

  std::string pipeline;
  uint64_t epoch = 0;          // the epoch this record describes
  Position position;           // source position at the end of `epoch`
  Position previous_position;  // at the end of the epoch before: where a lost epoch replays from
  std::vector<PreparedTxn> prepared;
  bool committed = false;                       // every prepared transaction is known committed
  int64_t written_unix_ms = 0;                  // when this record was written
  int64_t last_commit_ms = 0;                   // source commit time of the newest event committed
  std::map<std::string, TableCounters> tables;  // sink table "db.table" → counters
  std::map<TableId, SinkSchema> schemas;        // sink table → its columns
};

}  // namespace starcdc
