// ChangeEvent: one row change as the source decoded it. The values are views (see value.hpp),
// valid only during Emitter::event().
#pragma once

#include <cstdint>
#include <span>

#include "pipeline/model/table_schema.hpp"
#include "pipeline/model/value.hpp"

namespace starcdc {

enum class Op : uint8_t { Insert, Update, Delete, Read };  // Read = a snapshot row

const char* op_name(Op op);

// Which columns a row image carries (binlog_row_image=MINIMAL/NOBLOB send some). `words == nullptr`
// means all of them.
struct ColumnMask {
  const uint64_t* words = nullptr;
  bool has(size_t column) const {
    return words == nullptr || ((words[column / 64] >> (column % 64)) & 1U) != 0;
  }
};

struct RowImage {
  std::span<const Value> values;  // one per schema column (absent ones are Null and not in mask)
  ColumnMask present;
  bool empty() const { return values.empty(); }
};

struct ChangeEvent {
  Op op = Op::Insert;
  const TableSchema* schema = nullptr;  // never null; owned by the SchemaRegistry
  RowImage before;                      // Update, Delete
  RowImage after;                       // Insert, Update, Read
  int64_t commit_ms = 0;                // source commit time, Unix ms
};

// Column `i` of the row an upsert writes, or null when the event does not carry it: the after
// image, with key columns it lacks taken from the before image (binlog_row_image=MINIMAL logs
// only the changed columns after, only the key before).
inline const Value* upsert_value(const ChangeEvent& e, size_t i) {
  if (i < e.after.values.size() && e.after.present.has(i)) {
    return &e.after.values[i];
  }
  if (e.op == Op::Update && i < e.before.values.size() && e.before.present.has(i)) {
    for (uint16_t k : e.schema->primary_key()) {
      if (k == i) {
        return &e.before.values[i];
      }
    }
  }
  return nullptr;
}

}  // namespace starcdc
