// Sink: the writer half (RowEncoder, pipeline thread) and the committer half (SinkCommitter,
// control thread) of a destination, as in Flink's sink API.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/model/change_event.hpp"
#include "pipeline/model/schema_change.hpp"

namespace starcdc {

struct CheckpointRecord;

// Thread: pipeline. CPU only: one row into the table's load buffer.
class RowEncoder {
 public:
  virtual ~RowEncoder() = default;
  virtual void encode(const ChangeEvent& e, ByteBuffer& out) = 0;
  // True when a delete can share a load with rows of any column set (it names its row by key,
  // whatever else it carries); false when every row of a load must have the same columns.
  virtual bool deletes_fit_any_columns() const { return false; }
};

// Encoded rows of one sink table in one epoch; several chunks may make up one epoch's table data.
struct LoadChunk {
  TableId table;
  const TableSchema* schema = nullptr;  // the rows' shape (one per table and epoch)
  uint64_t epoch = 0;
  uint64_t rows = 0;
  // The columns every row carries, as ColumnMask words; empty = all of them. Row images from
  // binlog_row_image=MINIMAL/NOBLOB carry fewer: a run of rows with one column set is one chunk
  // (a partial update in StarRocks).
  std::vector<uint64_t> columns;
  ByteBuffer bytes;
};

// A prepared transaction, recorded in the checkpoint before it is committed.
struct PreparedTxn {
  TableId table;
  std::string label;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

// Thread: control. Every method is idempotent and safe to repeat after a crash.
class SinkCommitter {
 public:
  virtual ~SinkCommitter() = default;
  // Adds rows to the table's transaction of `chunk.epoch` (opening it on first use). `chunk`
  // stays valid until the returned awaitable completes; the caller then reuses its buffer, so a
  // sink copies whatever it must keep.
  virtual asio::awaitable<void> load(const LoadChunk& chunk) = 0;
  // Prepares every transaction of `epoch`; tables without rows get none.
  virtual asio::awaitable<std::vector<PreparedTxn>> prepare(uint64_t epoch) = 0;
  // Commits transactions prepared (and recorded) for `epoch`; returns when they are visible.
  virtual asio::awaitable<void> commit(uint64_t epoch, std::vector<PreparedTxn> txns) = 0;
  virtual asio::awaitable<void> abort(uint64_t epoch, std::vector<PreparedTxn> txns) = 0;
  // Applies a schema change; returns when it is visible.
  virtual asio::awaitable<void> apply(SchemaChange change) = 0;
  // Brings the sink in line with the last record: commits its prepared transactions if it is
  // not marked committed, and rolls back whatever was begun for later epochs. `last` is null on a
  // first start. Returns false when a recorded transaction is lost (aborted by the sink, e.g.
  // expired while the daemon was down): the coordinator then replays the epoch from the
  // position before it.
  virtual asio::awaitable<bool> recover(const CheckpointRecord* last) = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // Thread: pipeline.
  virtual std::unique_ptr<RowEncoder> make_encoder(const TableSchema& schema) = 0;
  virtual SinkCommitter& committer() = 0;
};

}  // namespace starcdc
