// TableFilterStage: drops events of tables not selected by the source's `tables` /
// `tables.exclude` patterns. Decisions are cached per schema. Thread: pipeline.
#pragma once

#include <unordered_map>
#include <vector>

#include "config/table_pattern.hpp"
#include "pipeline/stage.hpp"

namespace starcdc {

class TableFilterStage : public Stage {
 public:
  // Empty `include` selects every table.
  TableFilterStage(Emitter& next, std::vector<config::TablePattern> include,
                   std::vector<config::TablePattern> exclude);
  void event(const ChangeEvent& e) override;
  void schema_change(const SchemaChange& c) override;
  bool selected(const TableId& id) const;

 private:
  bool selected_cached(const TableSchema* schema);

  std::vector<config::TablePattern> include_;
  std::vector<config::TablePattern> exclude_;
  std::unordered_map<const TableSchema*, bool> cache_;
  const TableSchema* last_schema_ = nullptr;
  bool last_selected_ = false;
};

}  // namespace starcdc
