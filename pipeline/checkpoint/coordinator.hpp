// CheckpointCoordinator: consumes the hand-off queue and runs the exactly-once protocol per
// epoch: load chunks, prepare every sink transaction, persist {epoch, position, prepared} (the
// commit point), commit, record committed. Also recovery at start. Thread: control.
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "pipeline/checkpoint/checkpoint_record.hpp"
#include "pipeline/checkpoint/state_store.hpp"
#include "pipeline/common/asio.hpp"
#include "pipeline/handoff_queue.hpp"
#include "pipeline/sink.hpp"

namespace starcdc {

class CheckpointCoordinator {
 public:
  CheckpointCoordinator(SinkCommitter& committer, StateStore& store, HandoffQueue& queue,
                        std::string pipeline, std::optional<CheckpointRecord> last);

  // Settles the last record with the sink (commits a pending epoch, rolls back leftovers).
  asio::awaitable<void> recover();
  // Processes the queue until the final barrier is committed.
  asio::awaitable<void> run();

  // Called (on the control thread) after each committed epoch with its position.
  void set_on_committed(std::function<void(const Position&)> f) { on_committed_ = std::move(f); }

  // The position to resume from (empty on a first start) and the next epoch number.
  std::optional<Position> resume_position() const;
  uint64_t next_epoch() const { return last_ ? last_->epoch + 1 : 1; }
  const std::optional<CheckpointRecord>& last() const { return last_; }
  uint64_t epoch_in_progress_rows() const { return epoch_rows_; }

 private:
  asio::awaitable<void> end_epoch(Barrier barrier);

  SinkCommitter& committer_;
  StateStore& store_;
  HandoffQueue& queue_;
  std::string pipeline_;
  std::optional<CheckpointRecord> last_;
  std::function<void(const Position&)> on_committed_;
  struct EpochTable {
    uint64_t rows = 0;
    uint64_t bytes = 0;
  };
  std::map<TableId, EpochTable> epoch_tables_;
  std::map<TableId, SinkSchema> schemas_;  // as applied to the sink
  uint64_t epoch_rows_ = 0;
};

}  // namespace starcdc
