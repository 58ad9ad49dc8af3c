// HandoffQueue: carries LoadChunks, Barriers and SchemaChanges in order from the pipeline thread
// to the control thread, under the `pipeline.buffer.max-bytes` budget. Above the high watermark
// the pipeline stops polling its source (backpressure); it resumes below half the budget.
// Chunk bytes count from push until the consumer release()s them (after the load), so data being
// sent is within the budget too.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/model/position.hpp"
#include "pipeline/model/schema_change.hpp"
#include "pipeline/sink.hpp"

namespace starcdc {

// The end of epoch `epoch`: everything before it is at or before `position`.
struct Barrier {
  uint64_t epoch = 0;
  Position position;
  bool final = false;          // the last barrier of the run (shutdown or end of input)
  int64_t last_commit_ms = 0;  // source commit time of the newest event in the epoch (0 = none)
  uint64_t events = 0;         // events in the epoch (for metrics)
};

using HandoffItem = std::variant<LoadChunk, Barrier, SchemaChange>;

class HandoffQueue {
 public:
  HandoffQueue(asio::io_context& producer, asio::io_context& consumer, uint64_t budget_bytes);

  // Thread: pipeline. Never blocks; the caller respects writable().
  void push(HandoffItem item);
  uint64_t bytes() const;
  uint64_t budget_bytes() const { return budget_bytes_; }
  // Thread: pipeline. Returns once the queued bytes are below half the budget.
  asio::awaitable<void> wait_below_low_watermark();

  // Thread: pipeline. An empty buffer for the next chunk: a recycled one when there is one.
  ByteBuffer take_buffer(uint64_t capacity_bytes);

  // Thread: control.
  asio::awaitable<HandoffItem> pop();
  // The chunk's bytes are loaded: they leave the budget, and the buffer goes back to the
  // pipeline thread for reuse (fresh pages cost a page fault each; recycled ones do not).
  void release(ByteBuffer buffer);
  // Thread: any. Wakes both sides for shutdown; pop() then throws asio's operation_aborted.
  void close();

 private:
  void wake_producer_locked();

  asio::io_context& producer_;
  asio::io_context& consumer_;
  const uint64_t budget_bytes_;
  asio::steady_timer producer_timer_;  // owned by the producer's thread
  asio::steady_timer consumer_timer_;  // owned by the consumer's thread

  mutable std::mutex mu_;  // guards the fields below
  std::deque<HandoffItem> items_;
  std::vector<ByteBuffer> free_;  // recycled chunk buffers, at most half the budget in all
  uint64_t free_bytes_ = 0;
  uint64_t bytes_ = 0;
  bool consumer_waiting_ = false;
  bool producer_waiting_ = false;
  bool closed_ = false;
};

}  // namespace starcdc
