// SchemaStage: applies `pipeline.schema.change.behavior` and the sink's `include.schema.changes`
// / `exclude.schema.changes` between the route stage and the sink, as Flink CDC defines them:
//
//  - exception: any change of an existing table's shape stops the pipeline (Error(Data));
//  - evolve, try_evolve: every change goes to the sink;
//  - lenient (default): nothing is lost: an added column arrives nullable; a dropped column stays
//    in the sink (made nullable, later rows give NULL); a renamed column stays and the new name is
//    added beside it (nullable); a type change goes through; TRUNCATE and DROP TABLE are not
//    forwarded (unless `exclude.schema.changes` is given explicitly);
//  - ignore: no change goes to the sink; rows keep flowing into the columns it has.
//
// The stage keeps, per sink table, the columns the sink has (its "view") and maps every row onto
// it: columns the sink lacks are left out, columns the source no longer has are NULL. A table
// reached by several source tables (sharded merge) gets the union of their columns. Thread:
// pipeline.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/stage.hpp"

namespace starcdc {

enum class SchemaBehavior : uint8_t { Exception, Evolve, TryEvolve, Lenient, Ignore };

// "lenient" → Lenient; nullopt for an unknown name.
std::optional<SchemaBehavior> schema_behavior_from(const std::string& name);

// Which kinds reach the sink: Flink CDC's names and families ("drop" = drop.column + drop.table,
// "column" = every column event); exclude wins; create.table always passes. With no include
// every kind is in; in lenient mode without an explicit exclude, truncate.table and drop.table
// are out.
std::set<SchemaChangeKind> allowed_schema_changes(SchemaBehavior behavior,
                                                  const std::vector<std::string>& include,
                                                  const std::vector<std::string>& exclude,
                                                  bool exclude_given);

class SchemaStage : public Stage {
 public:
  SchemaStage(Emitter& next, SchemaBehavior behavior, std::set<SchemaChangeKind> allowed);
  // The columns sink table `table` has from an earlier run (the checkpoint's record).
  void restore(const TableId& table, uint32_t version, std::vector<Column> columns,
               std::vector<uint16_t> primary_key);
  void event(const ChangeEvent& e) override;
  void schema_change(const SchemaChange& c) override;

 private:
  struct Mapping {
    std::vector<int> from;  // per view column: the source column, or -1
    bool identity = false;
  };
  struct View {
    const TableSchema* sink = nullptr;
    std::unordered_map<const TableSchema*, Mapping> maps;
  };

  // A new view of `v` with `columns`, the version after the view's.
  const TableSchema* make_view(const View& v, const TableSchema& base, std::vector<Column> columns);
  const Mapping& mapping(View& v, const TableSchema* source);
  void forward(const SchemaChange& c, View& v, const TableSchema* now);
  void lenient(const SchemaChange& c, View& v);
  void known_table_created(const SchemaChange& c, View& v);
  RowImage project(const RowImage& in, const Mapping& m, std::vector<Value>& values,
                   std::vector<uint64_t>& mask) const;

  SchemaBehavior behavior_;
  std::set<SchemaChangeKind> allowed_;
  std::map<TableId, View> views_;
  std::deque<std::unique_ptr<TableSchema>> owned_;
  // Per source schema: its view (null: rows pass as they are) and mapping.
  std::unordered_map<const TableSchema*, std::pair<View*, const Mapping*>> by_schema_;
  const TableSchema* last_schema_ = nullptr;  // the schema of the last row, and its view/mapping
  View* last_view_ = nullptr;
  const Mapping* last_map_ = nullptr;
  std::vector<Value> before_;
  std::vector<Value> after_;
  std::vector<uint64_t> before_mask_;
  std::vector<uint64_t> after_mask_;
};

}  // namespace starcdc
