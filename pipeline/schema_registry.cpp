#include "pipeline/schema_registry.hpp"

namespace starcdc {

const TableSchema* SchemaRegistry::add(TableId id, std::vector<Column> columns,
                                       std::vector<uint16_t> primary_key) {
  const TableSchema* latest = find(id);
  const uint32_t version = latest == nullptr ? 1 : latest->version() + 1;
  return add_version(std::move(id), version, std::move(columns), std::move(primary_key));
}

const TableSchema* SchemaRegistry::add_version(TableId id, uint32_t version,
                                               std::vector<Column> columns,
                                               std::vector<uint16_t> primary_key) {
  auto& versions = by_table_[id];
  all_.push_back(
      std::make_unique<TableSchema>(id, version, std::move(columns), std::move(primary_key)));
  versions.push_back(all_.back().get());
  return all_.back().get();
}

const TableSchema* SchemaRegistry::find(const TableId& id) const {
  auto it = by_table_.find(id);
  return it == by_table_.end() || it->second.empty() ? nullptr : it->second.back();
}

const TableSchema* SchemaRegistry::find(const TableId& id, uint32_t version) const {
  auto it = by_table_.find(id);
  if (it == by_table_.end()) {
    return nullptr;
  }
  for (auto s = it->second.rbegin(); s != it->second.rend(); ++s) {
    if ((*s)->version() == version) {
      return *s;
    }
  }
  return nullptr;
}

}  // namespace starcdc
