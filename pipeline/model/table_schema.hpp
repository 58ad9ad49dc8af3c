// TableSchema: the ordered columns of one table at one version. Immutable; a schema change makes
// a new version. Schemas live as long as the SchemaRegistry that made them (the whole run), so
// stages may key caches by pointer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pipeline/model/table_id.hpp"

namespace starcdc {

struct Column {
  std::string name;
  std::string type;  // as the source declared it, e.g. "decimal(12,2) unsigned", "varchar(64)"
  bool nullable = true;

  bool operator==(const Column&) const = default;
};

class TableSchema {
 public:
  TableSchema(TableId id, uint32_t version, std::vector<Column> columns,
              std::vector<uint16_t> primary_key);

  const TableId& id() const { return id_; }
  uint32_t version() const { return version_; }
  std::span<const Column> columns() const { return columns_; }
  std::span<const uint16_t> primary_key() const { return primary_key_; }
  // Index of the column named `name`, or -1.
  int find_column(std::string_view name) const;
  bool same_shape(const TableSchema& other) const {
    return columns_ == other.columns_ && primary_key_ == other.primary_key_;
  }

 private:
  TableId id_;
  uint32_t version_;
  std::vector<Column> columns_;
  std::vector<uint16_t> primary_key_;
};

}  // namespace starcdc
