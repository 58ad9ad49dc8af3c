// BinlogPosition: where the binlog source is, at a transaction boundary: the binlog file and the
// offset of the next event, plus the GTID state after the transaction (a MySQL GTID set or a
// MariaDB GTID list, as text) when the server uses GTIDs. Stored in checkpoints as the JSON
// {"file":"mysql-bin.000042","pos":1234,"gtids":"...","server_id":1,"ts":1764000000} (ts: the
// commit time of the last transaction, Unix seconds), plus "snapshot" while and after tables are
// copied. Value type; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/model/position.hpp"

namespace starcdc::mysql {

struct BinlogPosition {
  std::string file;
  uint64_t offset = 4;  // 4 = the first event after the magic
  std::string gtids;    // empty when GTIDs are not used
  uint32_t server_id = 0;
  int64_t ts = 0;
  // The initial snapshot's progress (snapshot/snapshot_state.hpp) as a JSON object, kept
  // verbatim; empty when there is none.
  std::string snapshot;
  // The schema history (TableTracker::history_json()) as a JSON object; empty when none.
  std::string schemas;

  Position to_position() const;
  // nullopt and *error when `p` is not a binlog position.
  static std::optional<BinlogPosition> from_position(const Position& p, std::string* error);
  // "mysql-bin.000042:1234", the form error messages use.
  std::string where() const { return file + ":" + std::to_string(offset); }
  bool operator==(const BinlogPosition&) const = default;
};

}  // namespace starcdc::mysql
