// Batcher: encodes each event into its sink table's load buffer and hands full buffers
// (LoadChunks), barriers and schema changes to the control thread, in order. Thread: pipeline.
// Memory: open buffers are flushed as chunks when one reaches the chunk size or all together
// reach half the budget; the runtime stops polling while queued + open bytes exceed the budget.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "pipeline/emitter.hpp"
#include "pipeline/handoff_queue.hpp"
#include "pipeline/sink.hpp"

namespace starcdc {

class Batcher : public Emitter {
 public:
  // `first_epoch` is the epoch the next events belong to (last committed + 1); `start` the
  // position the source resumes from.
  Batcher(Sink& sink, HandoffQueue& queue, uint64_t first_epoch, Position start = {});

  void event(const ChangeEvent& e) override;
  // Ends the epoch at `c.position_before` (if it holds anything), then queues the change.
  void schema_change(const SchemaChange& c) override;

  // Ends the current epoch at `position`: flushes every open buffer and queues a Barrier. An
  // epoch with no events that ends where the last one did is no epoch: nothing is queued and
  // its number is kept, so recorded epochs stay dense (recovery finds leftovers at last + 1).
  void cut(const Position& position, bool final);

  uint64_t epoch() const { return epoch_; }
  uint64_t open_bytes() const { return open_bytes_; }
  uint64_t events_in_epoch() const { return events_in_epoch_; }
  uint64_t chunk_bytes() const { return chunk_bytes_; }
  uint64_t encoded_bytes() const { return encoded_bytes_; }  // since construction

 private:
  struct TableBuffer {
    TableId table;
    const TableSchema* schema = nullptr;  // of the rows in `bytes`
    ByteBuffer bytes;
    uint64_t rows = 0;
    std::vector<uint64_t> columns;  // of the rows in `bytes` (see LoadChunk::columns)
  };
  struct EncoderSlot {
    std::unique_ptr<RowEncoder> encoder;
    TableBuffer* buffer;
    bool deletes_fit_any = false;
  };
  // Flushes `b` first when `e` carries another column set than the rows in it.
  void match_columns(const EncoderSlot& slot, const ChangeEvent& e, TableBuffer& b);
  EncoderSlot& slot_for(const TableSchema* schema);
  void encode(const ChangeEvent& e);
  void flush(TableBuffer& b);
  void flush_all();

  Sink& sink_;
  HandoffQueue& queue_;
  const uint64_t chunk_bytes_;
  uint64_t epoch_;
  Position last_cut_;
  uint64_t open_bytes_ = 0;
  uint64_t encoded_bytes_ = 0;
  uint64_t events_in_epoch_ = 0;
  int64_t last_commit_ms_ = 0;
  std::map<TableId, std::unique_ptr<TableBuffer>> buffers_;
  std::unordered_map<const TableSchema*, EncoderSlot> encoders_;
  const TableSchema* last_schema_ = nullptr;
  EncoderSlot* last_slot_ = nullptr;
  std::vector<uint64_t> columns_scratch_;
};

}  // namespace starcdc
