// TransformStage: applies the pipeline's `transform` rules to the tables they match, between
// the source and the route stage, as Flink CDC defines them: the first rule whose source-table
// matches a table applies; `projection` makes the row (`*`, columns, renames, computed
// columns), `filter` keeps the rows for which it is TRUE, `primary-keys` sets the key of the
// result, and `converter-after-transform: SOFT_DELETE` turns deletes into inserts (with
// __data_event_type__ = '-D').
//
// Expressions are compiled once per source schema version. A schema change of a matched table
// is recompiled and passed on as the changes it makes to the result (a column added upstream
// appears downstream only when `*` covers it); a change that breaks an expression (a column it
// reads was dropped or renamed) stops the pipeline with the rule and the column named.
//
// An update whose before image passes the filter and whose after image does not leaves the
// result: it goes on as a delete (or, with SOFT_DELETE, an insert marked -D); the reverse goes
// on as an insert. Thread: pipeline.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/pipeline_file.hpp"
#include "config/table_pattern.hpp"
#include "pipeline/common/arena.hpp"
#include "pipeline/stage.hpp"
#include "pipeline/transform/program.hpp"

namespace starcdc {

class TransformStage : public Stage {
 public:
  struct Rule {
    config::TablePattern source;
    bool has_projection = false;
    std::vector<transform::ProjectionItem> projection;
    std::optional<transform::Expr> filter;
    std::vector<std::string> primary_keys;
    bool soft_delete = false;
    std::string label;  // "transform rule 2 (source-table app.orders)"
    std::string place;  // where it is written: pipeline.yaml:31:5
  };

  // Parses the rules' projections and filters. Errors are Error(Config) naming the rule's
  // file:line:column and the character in the expression.
  static std::vector<Rule> rules_from(const std::vector<config::TransformRule>& rules);
  // Checks what rules_from() checks, as diagnostics (for `starcdc validate` and the loader).
  static void check(const std::vector<config::TransformRule>& rules, config::Diagnostics& diags);

  TransformStage(Emitter& next, std::vector<Rule> rules);
  void event(const ChangeEvent& e) override;
  void schema_change(const SchemaChange& c) override;

 private:
  struct Plan {
    const Rule* rule = nullptr;
    const TableSchema* out = nullptr;
    bool identity = false;                     // no projection: rows keep their values
    std::vector<transform::Compiled> columns;  // per output column
    std::optional<transform::Compiled> filter;
  };

  const Rule* match(const TableId& table) const;
  const Plan* plan_for(const TableSchema* schema);
  std::unique_ptr<Plan> build(const Rule& rule, const TableSchema& in);
  const TableSchema* output_schema(const TableSchema& in, std::vector<Column> columns,
                                   std::vector<uint16_t> key);
  bool passes(const Plan& p, const RowImage& image, std::string_view event_type,
              const ChangeEvent& e);
  RowImage project(const Plan& p, const RowImage& image, std::string_view event_type,
                   const ChangeEvent& e, std::vector<Value>& values, std::vector<uint64_t>& mask);
  void forward_diff(const SchemaChange& c, const TableSchema* prev, const TableSchema* now);
  [[noreturn]] void rethrow(const Plan& p, const ChangeEvent& e, const Error& err,
                            const std::string& column) const;

  std::vector<Rule> rules_;
  std::unordered_map<const TableSchema*, std::unique_ptr<Plan>> plans_;  // null: no rule
  std::map<TableId, const TableSchema*> outputs_;  // the last result schema per table
  std::map<TableId, uint32_t> versions_;
  std::deque<std::unique_ptr<TableSchema>> owned_;
  const TableSchema* last_schema_ = nullptr;
  const Plan* last_plan_ = nullptr;
  Arena arena_;
  std::vector<Value> before_;
  std::vector<Value> after_;
  std::vector<uint64_t> before_mask_;
  std::vector<uint64_t> after_mask_;
};

}  // namespace starcdc
