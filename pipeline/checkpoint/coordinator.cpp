#include "pipeline/checkpoint/coordinator.hpp"

#include <chrono>

#include "pipeline/checkpoint/checkpoint_events.hpp"

namespace starcdc {
namespace {

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CheckpointCoordinator::CheckpointCoordinator(SinkCommitter& committer, StateStore& store,
                                             HandoffQueue& queue, std::string pipeline,
                                             std::optional<CheckpointRecord> last)
    : committer_(committer),
      store_(store),
      queue_(queue),
      pipeline_(std::move(pipeline)),
      last_(std::move(last)) {
  if (last_) {
    schemas_ = last_->schemas;
  }
}

std::optional<Position> CheckpointCoordinator::resume_position() const {
  if (!last_ || last_->position.empty()) {
    return std::nullopt;
  }
  return last_->position;
}

asio::awaitable<void> CheckpointCoordinator::recover() {
  if (last_) {
    checkpoint_events::recovery_started(last_->epoch, last_->committed, last_->prepared.size(),
                                        last_->position.json());
  }
  const bool intact = co_await committer_.recover(last_ ? &*last_ : nullptr);
  if (last_ && !intact) {
    // A recorded transaction was aborted behind our back: the epoch's changes are not all in the
    // sink. Replay it from the position before it (exact for Primary Key tables; rows of the
    // epoch that did land in Duplicate Key tables arrive twice).
    checkpoint_events::epoch_replayed(last_->epoch, last_->previous_position.json());
    last_->position = last_->previous_position;
    last_->prepared.clear();
    last_->committed = true;
    last_->written_unix_ms = unix_ms_now();
    store_.save(*last_);
  } else if (last_ && !last_->committed) {
    // The commit point was passed before the stop: the sink now holds the epoch's data.
    for (const auto& t : last_->prepared) {
      auto& c = last_->tables[t.table.str()];
      c.rows += t.rows;
      c.bytes += t.bytes;
      c.last_epoch = last_->epoch;
    }
    last_->committed = true;
    last_->written_unix_ms = unix_ms_now();
    store_.save(*last_);
    checkpoint_events::recovery_committed_pending(last_->epoch, last_->prepared.size());
  }
  checkpoint_events::recovery_finished(next_epoch(), last_ ? last_->position.json() : "");
}

asio::awaitable<void> CheckpointCoordinator::run() {
  for (;;) {
    HandoffItem item = co_await queue_.pop();
    if (auto* chunk = std::get_if<LoadChunk>(&item)) {
      const uint64_t bytes = chunk->bytes.size();
      auto& t = epoch_tables_[chunk->table];
      t.rows += chunk->rows;
      t.bytes += bytes;
      epoch_rows_ += chunk->rows;
      co_await committer_.load(*chunk);
      queue_.release(std::move(chunk->bytes));
    } else if (auto* barrier = std::get_if<Barrier>(&item)) {
      const bool final = barrier->final;
      co_await end_epoch(std::move(*barrier));
      if (final) {
        co_return;
      }
    } else {
      auto& change = std::get<SchemaChange>(item);
      const auto t0 = std::chrono::steady_clock::now();
      co_await committer_.apply(change);
      if (change.kind == SchemaChangeKind::DropTable) {
        schemas_.erase(change.table);
      } else if (change.schema != nullptr) {
        const TableSchema& s = *change.schema;
        schemas_[change.table] =
            SinkSchema{s.version(), std::vector<Column>(s.columns().begin(), s.columns().end()),
                       std::vector<uint16_t>(s.primary_key().begin(), s.primary_key().end())};
      }
      checkpoint_events::schema_change_applied(
          change, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
}

asio::awaitable<void> CheckpointCoordinator::end_epoch(Barrier barrier) {
  const bool moved = !last_ || !(last_->position == barrier.position);
  if (epoch_tables_.empty() && !moved) {
    co_return;  // nothing new: no transaction, no write
  }
  const auto t0 = std::chrono::steady_clock::now();
  CheckpointRecord record;
  if (last_) {
    record = *last_;
  }
  record.pipeline = pipeline_;
  record.previous_position = last_ ? last_->position : Position();
  record.schemas = schemas_;
  record.epoch = barrier.epoch;
  record.position = barrier.position;
  record.prepared.clear();
  if (barrier.last_commit_ms > 0) {
    record.last_commit_ms = barrier.last_commit_ms;
  }

  if (!epoch_tables_.empty()) {
    record.prepared = co_await committer_.prepare(barrier.epoch);
    for (auto& p : record.prepared) {
      auto it = epoch_tables_.find(p.table);
      if (it != epoch_tables_.end()) {
        p.rows = it->second.rows;
        p.bytes = it->second.bytes;
      }
    }
    checkpoint_events::epoch_prepared(barrier.epoch, record.prepared.size());
    record.committed = false;
    record.written_unix_ms = unix_ms_now();
    store_.save(record);  // the commit point
    co_await committer_.commit(barrier.epoch, record.prepared);
  }
  uint64_t rows = 0;
  uint64_t bytes = 0;
  for (const auto& [table, t] : epoch_tables_) {
    auto& c = record.tables[table.str()];
    c.rows += t.rows;
    c.bytes += t.bytes;
    c.last_epoch = barrier.epoch;
    rows += t.rows;
    bytes += t.bytes;
    checkpoint_events::table_committed(table.str(), t.rows, t.bytes);
  }
  record.committed = true;
  record.written_unix_ms = unix_ms_now();
  store_.save(record);
  const uint64_t tables = epoch_tables_.size();
  epoch_tables_.clear();
  epoch_rows_ = 0;
  last_ = std::move(record);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int64_t lag_ms =
      barrier.last_commit_ms > 0 ? unix_ms_now() - barrier.last_commit_ms : int64_t{-1};
  checkpoint_events::epoch_committed(barrier.epoch, tables, rows, bytes, seconds,
                                     last_->position.json(), lag_ms);
  if (on_committed_) {
    on_committed_(last_->position);
  }
}

}  // namespace starcdc
