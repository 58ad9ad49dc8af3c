#include "pipeline/stages/table_filter_stage.hpp"

namespace starcdc {

TableFilterStage::TableFilterStage(Emitter& next, std::vector<config::TablePattern> include,
                                   std::vector<config::TablePattern> exclude)
    : Stage(next), include_(std::move(include)), exclude_(std::move(exclude)) {}

bool TableFilterStage::selected(const TableId& id) const {
  bool in = include_.empty();
  for (const auto& p : include_) {
    if (p.matches(id.database, id.table)) {
      in = true;
      break;
    }
  }
  if (!in) {
    return false;
  }
  for (const auto& p : exclude_) {
    if (p.matches(id.database, id.table)) {
      return false;
    }
  }
  return true;
}

bool TableFilterStage::selected_cached(const TableSchema* schema) {
  if (schema == last_schema_) {
    return last_selected_;
  }
  auto [it, inserted] = cache_.try_emplace(schema, false);
  if (inserted) {
    it->second = selected(schema->id());
  }
  last_schema_ = schema;
  last_selected_ = it->second;
  return it->second;
}

void TableFilterStage::event(const ChangeEvent& e) {
  if (selected_cached(e.schema)) {
    next_.event(e);
  }
}

void TableFilterStage::schema_change(const SchemaChange& c) {
  if (selected(c.table)) {
    next_.schema_change(c);
  }
}

}  // namespace starcdc
