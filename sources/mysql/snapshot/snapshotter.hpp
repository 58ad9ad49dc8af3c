// Snapshotter: copies the captured tables chunk by chunk while the binlog reader keeps going, so
// the copy and the binlog meet without a gap, a duplicate or a lock.
//
// Each chunk is read inside START TRANSACTION WITH CONSISTENT SNAPSHOT, whose exact binlog
// position (binlog_snapshot_file/_position, MariaDB and Percona Server) is the chunk's point:
// the chunk holds every transaction before it and none after. Chunks get their points in chunk
// order, so points never decrease. Rows go out chunk by chunk in that order, streamed as read;
// `scan.snapshot.parallelism` readers read the next chunks ahead into bounded buffers.
//
// The binlog reader asks two things (docs/architecture.md has the proof):
//  - barrier(): it must not handle an event at or after the point of a chunk whose rows are not
//    all out yet (events for those keys must follow the chunk's rows);
//  - classify(): whether a row change at binlog point E goes out. It does when its key lies in
//    a copied chunk whose point is at or before E, i.e. below the end of the last such chunk
//    (`passed`); otherwise the chunk holding the key is still to be read, or was read at a later
//    point, and its rows already include the change.
// Thread: pipeline (readers are coroutines on the same loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pipeline/common/arena.hpp"
#include "pipeline/common/asio.hpp"
#include "pipeline/emitter.hpp"
#include "pipeline/model/table_schema.hpp"
#include "sources/mysql/binlog/decoder_options.hpp"
#include "sources/mysql/binlog/table_map.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/result_stream.hpp"
#include "sources/mysql/snapshot/chunk_planner.hpp"
#include "sources/mysql/snapshot/key_order.hpp"
#include "sources/mysql/snapshot/snapshot_state.hpp"
#include "sources/mysql/snapshot/text_values.hpp"

namespace starcdc::mysql::snapshot {

// A table to copy, as the source read it from information_schema.
struct TableCopy {
  TableId id;
  const TableSchema* schema = nullptr;  // the version its rows go out with
  binlog::TableMap map;                 // its columns (decodes the rows' text)
  std::vector<std::string> select;      // one SELECT expression per column
  std::vector<KeyColumn> key;           // chunk key columns
  std::vector<size_t> key_index;        // their column indexes
  KeyOrder order;
  std::string shape;  // names and types of the columns
};

struct SnapshotOptions {
  ChunkOptions chunks;
  int parallelism = 1;
  uint64_t fetch_rows = 1024;  // rows a reader hands over at a time
  binlog::DecoderOptions decoding;
};

enum class Verdict : uint8_t { Emit, Drop, AskServer };

class Snapshotter : public std::enable_shared_from_this<Snapshotter> {
 public:
  using Connect = std::function<asio::awaitable<std::unique_ptr<protocol::Connection>>()>;

  Snapshotter(asio::io_context& io, SnapshotOptions options, Connect connect,
              std::shared_ptr<asio::steady_timer> wake);
  ~Snapshotter();
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  // Progress from the checkpoint. Tables it names are known; copies in progress go on.
  void restore(SnapshotState state);
  bool knows(const TableId& id) const;
  // Known and not copied yet (waiting, copying, or copied with binlog points still ahead).
  bool in_progress(const TableId& id) const;
  // Queues `t` for copying, or continues its copy per the restored progress. A copy in progress
  // whose columns changed since starts over.
  void add(TableCopy t);
  // Known, never copied: every binlog event of it goes out.
  void mark_streaming(const TableId& id);
  // Forgets copies in progress of tables that add() was not given again (dropped, or no longer
  // captured). Call after the add() calls of open().
  void prune();
  // Starts the readers (when there is anything to copy).
  void start();

  // Emits rows of the head chunk as far as they are read, `max` at most, and stops at the end
  // of the chunk (so the binlog reader can move up to the next chunk's point). Rethrows a
  // reader's failure.
  uint64_t emit(Emitter& out, uint64_t max);
  // A chunk's rows are partly out: no checkpoint can be placed here.
  bool mid_chunk() const;
  // True once when a chunk finished since the last call.
  bool take_finished();
  // Where the binlog reader must stop: nullopt = anywhere; an empty point = right here.
  std::optional<LogPoint> barrier() const;
  // Some table is not copied yet (rows still to come from the snapshot).
  bool copying() const;
  // Some table still needs classify() (copied, but binlog points not all passed).
  bool deciding() const { return deciding_; }

  // Does a row change of `table` with chunk key `key` at binlog point `at` go out?
  Verdict classify(const TableId& table, std::span<const Value> key, const LogPoint& at);
  // For AskServer: a SELECT answering 1 when `key` lies below the copied range's end.
  std::string less_sql(const TableId& table, std::span<const Value> key);
  // True when a change of `table`'s columns at binlog point `at` meets rows the copy read, or
  // will read, with the old columns (its copy must start over).
  bool copy_affected(const TableId& table, const LogPoint& at);
  // The chunk key column indexes of a table being copied (nullptr when it is not).
  const std::vector<size_t>* key_columns(const TableId& table) const;

  // The progress as of a checkpoint where the binlog reader stands at `at`.
  std::string state_json(const LogPoint& at);
  // Logs progress every 10 s, updates the metrics, and draws the terminal line.
  void report(bool force = false);
  asio::awaitable<void> close();

 private:
  struct Slot;
  struct Entry;

  asio::awaitable<void> reader();
  asio::awaitable<std::shared_ptr<Slot>> next_job(protocol::Connection& conn,
                                                  asio::steady_timer& mine);
  // Waits up to a second, or until notify_readers().
  asio::awaitable<void> idle(asio::steady_timer& mine);
  void notify_readers();
  void finish_chunk(Slot& s);
  void recycle(Slot& s);
  void pass(Entry& e, const LogPoint& at);
  void update_deciding();
  const std::vector<Value>& passed_bound(Entry& e);
  void wake() const;

  asio::io_context& io_;
  SnapshotOptions options_;
  Connect connect_;
  std::shared_ptr<asio::steady_timer> wake_;
  std::map<TableId, std::unique_ptr<Entry>> tables_;
  std::deque<TableId> queue_;  // tables with chunks to read, in order
  std::deque<std::shared_ptr<Slot>> slots_;
  std::vector<protocol::Connection*> conns_;  // the readers' connections (closed by close())
  std::exception_ptr failure_;
  bool planning_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool deciding_ = false;
  bool started_ = false;
  bool dirty_ = true;  // progress changed since state_json() last wrote it
  std::string state_cache_;
  int readers_ = 0;
  std::vector<asio::steady_timer*> waiting_;  // readers waiting for the planner or for room
  Arena arena_;
  TextValueDecoder values_;
  std::vector<Value> row_;
  protocol::RowView fields_;
  std::vector<std::string> spare_;  // row buffers of finished chunks, reused
  std::chrono::steady_clock::time_point began_;
  std::chrono::steady_clock::time_point last_log_;
  std::chrono::steady_clock::time_point last_line_;
  uint64_t rows_total_ = 0;
  bool tty_ = false;
  bool line_open_ = false;
};

}  // namespace starcdc::mysql::snapshot
