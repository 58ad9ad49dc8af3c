// SchemaRegistry: owns every TableSchema version made during the run, so pointers to them stay
// valid and stages may cache by pointer. Thread: pipeline.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "pipeline/model/table_schema.hpp"

namespace starcdc {

class SchemaRegistry {
 public:
  // Registers a new version of `id` with these columns; the version number is the previous
  // one + 1 (or 1). Returns the schema, owned by the registry.
  const TableSchema* add(TableId id, std::vector<Column> columns,
                         std::vector<uint16_t> primary_key);
  // Registers a schema with an explicit version (a source that computes its own versions).
  const TableSchema* add_version(TableId id, uint32_t version, std::vector<Column> columns,
                                 std::vector<uint16_t> primary_key);
  // Latest version of `id`, or nullptr.
  const TableSchema* find(const TableId& id) const;
  const TableSchema* find(const TableId& id, uint32_t version) const;

 private:
  std::deque<std::unique_ptr<TableSchema>> all_;
  std::map<TableId, std::vector<const TableSchema*>> by_table_;
};

}  // namespace starcdc
