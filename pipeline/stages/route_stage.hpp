// RouteStage: maps source tables to sink tables with Flink CDC's route rules (regex
// `source-table`, `sink-table` with $n capture groups or a `replace-symbol`; many tables to one
// for sharded-table merge). Tables no rule matches keep their name. Thread: pipeline.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/pipeline_file.hpp"
#include "config/table_pattern.hpp"
#include "pipeline/stage.hpp"

namespace starcdc {

enum class RouteMode : uint8_t { AllMatch, FirstMatch };

class RouteStage : public Stage {
 public:
  struct Rule {
    config::TablePattern source;
    std::string sink_table;
    std::string replace_symbol;
  };

  RouteStage(Emitter& next, std::vector<Rule> rules, RouteMode mode);
  // Builds the rules from the pipeline file's (already validated) route block.
  static std::vector<Rule> rules_from(const std::vector<config::RouteRule>& routes);

  void event(const ChangeEvent& e) override;
  void schema_change(const SchemaChange& c) override;

  // The sink tables for a source table (one when no rule matches: the same name).
  std::vector<TableId> route(const TableId& source) const;

 private:
  const std::vector<const TableSchema*>& routed(const TableSchema* schema);

  std::vector<Rule> rules_;
  RouteMode mode_;
  std::deque<std::unique_ptr<TableSchema>> owned_;
  std::unordered_map<const TableSchema*, std::vector<const TableSchema*>> cache_;
  const TableSchema* last_schema_ = nullptr;
  const std::vector<const TableSchema*>* last_routed_ = nullptr;
};

}  // namespace starcdc
