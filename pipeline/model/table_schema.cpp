#include "pipeline/model/table_schema.hpp"

namespace starcdc {

TableSchema::TableSchema(TableId id, uint32_t version, std::vector<Column> columns,
                         std::vector<uint16_t> primary_key)
    : id_(std::move(id)),
      version_(version),
      columns_(std::move(columns)),
      primary_key_(std::move(primary_key)) {}

int TableSchema::find_column(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace starcdc
