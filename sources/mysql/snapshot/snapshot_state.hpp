// The initial snapshot's progress as checkpoints keep it: per captured table whether it is being
// copied, how far (finished chunks, the key where the next chunk starts, rows), and the finished
// chunks whose snapshot point the binlog reader has not passed yet (so a restart still knows
// which of their binlog events the copy already holds). Stored inside the binlog position's JSON
// as "snapshot": {"tables": {"db.t": {...}}}. Value types; any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "pipeline/model/table_id.hpp"
#include "sources/mysql/snapshot/chunk_planner.hpp"

namespace starcdc::mysql::snapshot {

// A binlog coordinate ordered across files: mysql-bin.000009 < mysql-bin.000010.
struct LogPoint {
  std::string file;
  uint64_t offset = 0;
  bool empty() const { return file.empty(); }
  std::string str() const { return file + ":" + std::to_string(offset); }
};
// <0, 0, >0. Files compare by the number after their last dot, then by name.
int compare(const LogPoint& a, const LogPoint& b);

// A copied chunk whose snapshot point `at` the binlog reader has not reached: events of its keys
// before `at` are in the copy, later ones are not.
struct PendingChunk {
  std::optional<KeyTuple> high;  // exclusive end; nullopt = the table's end
  LogPoint at;
};

enum class CopyState : uint8_t {
  Waiting,    // not started
  Copying,    // chunks being read
  Copied,     // every chunk copied; some binlog events still decide against snapshot points
  Done,       // copied and passed: every binlog event of the table goes out
  Streaming,  // never copied (started from a binlog position, or created while running)
};

const char* copy_state_name(CopyState s);

struct TableProgress {
  CopyState state = CopyState::Waiting;
  uint64_t chunks = 0;    // finished chunks
  uint64_t rows = 0;      // rows copied
  uint64_t estimate = 0;  // estimated rows of the table (information_schema)
  uint64_t estimated_chunks = 0;
  bool all_read = false;           // no chunk left to read
  std::optional<KeyTuple> next;    // where the next chunk starts (nullopt: at the beginning)
  bool passed_any = false;         // the reader passed the point of at least one chunk
  std::optional<KeyTuple> passed;  // keys below it take every event (when passed_any)
  std::deque<PendingChunk> pending;
  std::string shape;  // the columns the copy was made with (to spot a change on restart)
};

struct SnapshotState {
  std::map<TableId, TableProgress> tables;

  std::string to_json() const;
  // Throws Error(Data) for a document that is not a snapshot state.
  static SnapshotState from_json(const std::string& json);
};

}  // namespace starcdc::mysql::snapshot
