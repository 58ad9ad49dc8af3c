#include "pipeline/batcher.hpp"

#include <algorithm>

namespace starcdc {
namespace {

// A chunk is an eighth of the budget, between 64 KiB and 8 MiB: big enough that the sink sends
// few requests, small enough that several tables and the chunk being sent fit in the budget.
uint64_t chunk_size_for(uint64_t budget) {
  return std::clamp<uint64_t>(budget / 8, uint64_t{64} << 10, uint64_t{8} << 20);
}

}  // namespace

Batcher::Batcher(Sink& sink, HandoffQueue& queue, uint64_t first_epoch, Position start)
    : sink_(sink),
      queue_(queue),
      chunk_bytes_(chunk_size_for(queue.budget_bytes())),
      epoch_(first_epoch),
      last_cut_(std::move(start)) {}

Batcher::EncoderSlot& Batcher::slot_for(const TableSchema* schema) {
  if (schema == last_schema_) {
    return *last_slot_;
  }
  auto it = encoders_.find(schema);
  if (it == encoders_.end()) {
    auto& buf = buffers_[schema->id()];
    if (!buf) {
      buf = std::make_unique<TableBuffer>();
      buf->table = schema->id();
    }
    auto encoder = sink_.make_encoder(*schema);
    const bool fit = encoder->deletes_fit_any_columns();
    it = encoders_.emplace(schema, EncoderSlot{std::move(encoder), buf.get(), fit}).first;
  }
  last_schema_ = schema;
  last_slot_ = &it->second;
  return it->second;
}

void Batcher::match_columns(const EncoderSlot& slot, const ChangeEvent& e, TableBuffer& b) {
  if (e.op == Op::Delete && slot.deletes_fit_any) {
    return;
  }
  // The columns the encoded row carries: the before image of a delete; for an upsert the after
  // image plus the key (see upsert_value()).
  const size_t n = e.schema->columns().size();
  columns_scratch_.assign((n + 63) / 64, 0);
  bool all = true;
  for (size_t i = 0; i < n; ++i) {
    const bool has = e.op == Op::Delete ? e.before.present.has(i) : upsert_value(e, i) != nullptr;
    if (has) {
      columns_scratch_[i / 64] |= uint64_t{1} << (i % 64);
    } else {
      all = false;
    }
  }
  if (all) {
    columns_scratch_.clear();
  }
  if (columns_scratch_ == b.columns) {
    return;
  }
  flush(b);
  b.columns = columns_scratch_;
}

namespace {

// An update that changes the primary key moves the row: in a keyed sink that is a delete of the
// old key and an insert of the new one.
bool key_changed(const ChangeEvent& e) {
  if (e.op != Op::Update || e.before.empty()) {
    return false;
  }
  for (uint16_t k : e.schema->primary_key()) {
    if (k < e.before.values.size() && k < e.after.values.size() && e.before.present.has(k) &&
        e.after.present.has(k) && !same_value(e.before.values[k], e.after.values[k])) {
      return true;
    }
  }
  return false;
}

}  // namespace

void Batcher::event(const ChangeEvent& e) {
  if (key_changed(e)) {
    ChangeEvent removal = e;
    removal.op = Op::Delete;
    removal.after = RowImage{};
    encode(removal);
    ChangeEvent insert = e;
    insert.op = Op::Insert;
    insert.before = RowImage{};
    encode(insert);
    return;
  }
  encode(e);
}

void Batcher::encode(const ChangeEvent& e) {
  EncoderSlot& slot = slot_for(e.schema);
  TableBuffer& b = *slot.buffer;
  if (b.schema != e.schema || e.before.present.words != nullptr ||
      e.after.present.words != nullptr || !b.columns.empty()) {
    match_columns(slot, e, b);
  }
  const uint64_t before = b.bytes.size();
  slot.encoder->encode(e, b.bytes);
  b.schema = e.schema;
  ++b.rows;
  ++events_in_epoch_;
  last_commit_ms_ = std::max(last_commit_ms_, e.commit_ms);
  open_bytes_ += b.bytes.size() - before;
  encoded_bytes_ += b.bytes.size() - before;
  if (b.bytes.size() >= chunk_bytes_) {
    flush(b);
  } else if (open_bytes_ >= queue_.budget_bytes() / 2) {
    flush_all();
  }
}

void Batcher::flush(TableBuffer& b) {
  if (b.rows == 0) {
    return;
  }
  LoadChunk chunk;
  chunk.table = b.table;
  chunk.schema = b.schema;
  chunk.epoch = epoch_;
  chunk.rows = b.rows;
  chunk.columns = b.columns;
  open_bytes_ -= b.bytes.size();
  chunk.bytes = std::move(b.bytes);
  b.bytes =
      queue_.take_buffer(std::min<uint64_t>(chunk_bytes_ + chunk_bytes_ / 4, chunk.bytes.size()));
  b.rows = 0;
  queue_.push(std::move(chunk));
}

void Batcher::flush_all() {
  for (auto& [id, b] : buffers_) {
    flush(*b);
  }
}

void Batcher::cut(const Position& position, bool final) {
  if (events_in_epoch_ == 0 && position == last_cut_ && !final) {
    return;
  }
  last_cut_ = position;
  flush_all();
  Barrier barrier;
  barrier.epoch = epoch_;
  barrier.position = position;
  barrier.final = final;
  barrier.last_commit_ms = last_commit_ms_;
  barrier.events = events_in_epoch_;
  queue_.push(std::move(barrier));
  ++epoch_;
  events_in_epoch_ = 0;
  last_commit_ms_ = 0;
}

void Batcher::schema_change(const SchemaChange& c) {
  if (c.barrier) {
    cut(c.position_before, false);
  }
  queue_.push(c);
}

}  // namespace starcdc
