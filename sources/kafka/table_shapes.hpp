// TableShapes: the tables a Kafka source has seen and their columns, learned from the messages:
// the types a message declares (Debezium schema, Canal mysqlType, Maxwell def) or, without
// them, inferred from the first non-null value (message.hpp infer_column). A message with a
// field the table lacks adds the column; a declared type that changed alters it; a declared
// column list without a column drops it. Each step is a SchemaChange with a schema version of
// its own. The shapes ride in the source's position so a restart keeps inferred types.
// Thread: pipeline.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/model/schema_change.hpp"
#include "pipeline/schema_registry.hpp"
#include "sources/kafka/formats/message.hpp"

namespace starcdc::kafka {

class TableShapes {
 public:
  explicit TableShapes(SchemaRegistry& registry) : registry_(registry) {}

  // A table's columns from a checkpoint.
  void restore(const TableId& table, std::vector<Column> columns, std::vector<uint16_t> key);
  // Makes the table of `m` know every column the message declares or carries. Appends the
  // changes that took (CreateTable for a new table) to `changes`; returns the schema rows of
  // `m` are written with.
  const TableSchema* resolve(const DecodedMessage& m, std::vector<SchemaChange>& changes);
  // Fills `values` (one per column) and the presence `mask` from a row image's fields; false
  // when the image lacks some column (then `mask` says which it has).
  bool fill(const TableSchema* schema, std::span<const Field> fields, std::vector<Value>& values,
            std::vector<uint64_t>& mask);
  // The current schema of `table`, or null.
  const TableSchema* find(const TableId& table) const;
  // Forgets a dropped table.
  void forget(const TableId& table);
  // {"db.table": {"columns": [...], "key": [...]}, ...} into an open JSON writer position.
  std::string json() const;
  bool changed_since_json() const { return dirty_; }

 private:
  struct Table {
    const TableSchema* schema = nullptr;
    bool announced = false;  // restored tables are announced (CreateTable) at first sight
    std::vector<Column> last_declared;
    // The field names of the last image and their column indexes: most messages of a table
    // carry the same fields in the same order.
    std::vector<std::string> names;
    std::vector<int> index;
    // The image `names` were last checked against, in which resolve() call: fill() of the
    // same image in the same message need not compare the names again.
    const Field* checked = nullptr;
    uint64_t checked_in = 0;
  };

  const TableSchema* step(Table& t, const TableId& id, std::vector<Column> columns,
                          std::vector<uint16_t> key);
  const std::vector<int>& indexes(Table& t, std::span<const Field> fields);

  SchemaRegistry& registry_;
  std::map<TableId, Table> tables_;
  std::map<const TableSchema*, Table*> by_schema_;
  mutable bool dirty_ = true;
  uint64_t resolves_ = 0;
};

}  // namespace starcdc::kafka
