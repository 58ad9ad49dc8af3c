// Schema change behaviours: what reaches the sink and how rows are mapped onto its columns.
#include "pipeline/stages/schema_stage.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"

namespace starcdc {
namespace {

struct Recorder : Emitter {
  std::vector<SchemaChange> changes;
  std::vector<std::vector<std::string>> rows;  // column=value per after image
  const TableSchema* last = nullptr;
  void event(const ChangeEvent& e) override {
    last = e.schema;
    std::vector<std::string> r;
    for (size_t i = 0; i < e.schema->columns().size(); ++i) {
      const Value& v = e.after.values[i];
      r.push_back(e.schema->columns()[i].name + "=" +
                  (v.is_null() ? std::string("NULL") : std::to_string(v.i)));
    }
    rows.push_back(std::move(r));
  }
  void schema_change(const SchemaChange& c) override { changes.push_back(c); }
};

TableSchema table(std::vector<std::pair<std::string, bool>> cols, uint32_t version = 1) {
  std::vector<Column> columns;
  for (auto& [name, nullable] : cols) {
    columns.push_back(Column{name, "int", nullable});
  }
  return TableSchema(TableId{"app", "t"}, version, std::move(columns), {0});
}

SchemaChange create(const TableSchema& s) {
  SchemaChange c;
  c.kind = SchemaChangeKind::CreateTable;
  c.table = s.id();
  c.schema = &s;
  return c;
}

SchemaChange change(SchemaChangeKind kind, const TableSchema& now, std::string column,
                    std::string new_name = "") {
  SchemaChange c;
  c.kind = kind;
  c.table = now.id();
  c.schema = &now;
  c.column = std::move(column);
  c.new_name = std::move(new_name);
  const int i = now.find_column(c.new_name.empty() ? c.column : c.new_name);
  if (i >= 0) {
    c.definition = now.columns()[static_cast<size_t>(i)];
    c.after_column = i > 0 ? now.columns()[static_cast<size_t>(i) - 1].name : "";
  }
  return c;
}

void row(SchemaStage& stage, const TableSchema& s, std::vector<int64_t> values) {
  std::vector<Value> v;
  for (const int64_t x : values) {
    v.push_back(Value::int64(x));
  }
  ChangeEvent e;
  e.op = Op::Insert;
  e.schema = &s;
  e.after.values = v;
  stage.event(e);
}

SchemaStage stage_for(Recorder& out, SchemaBehavior b) {
  return SchemaStage(out, b, allowed_schema_changes(b, {}, {}, false));
}

}  // namespace

TEST_CASE("schema change lists follow Flink CDC's names and families", "[schema]") {
  using K = SchemaChangeKind;
  auto all = allowed_schema_changes(SchemaBehavior::Evolve, {}, {}, false);
  CHECK(all.size() == 7);
  auto lenient = allowed_schema_changes(SchemaBehavior::Lenient, {}, {}, false);
  CHECK(lenient.count(K::TruncateTable) == 0);
  CHECK(lenient.count(K::DropTable) == 0);
  auto kept = allowed_schema_changes(SchemaBehavior::Lenient, {}, {"rename.column"}, true);
  CHECK(kept.count(K::DropTable) == 1);  // an explicit exclude list replaces the default
  CHECK(kept.count(K::RenameColumn) == 0);
  auto only = allowed_schema_changes(SchemaBehavior::Evolve, {"column"}, {"drop"}, true);
  CHECK(only == std::set<K>{K::CreateTable, K::AddColumn, K::RenameColumn, K::AlterColumnType});
}

TEST_CASE("lenient keeps every column and adds new ones nullable", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::Lenient);
  const TableSchema v1 = table({{"id", false}, {"a", false}, {"b", true}});
  stage.schema_change(create(v1));
  // ADD COLUMN c NOT NULL: forwarded, nullable.
  const TableSchema v2 = table({{"id", false}, {"a", false}, {"b", true}, {"c", false}}, 2);
  stage.schema_change(change(SchemaChangeKind::AddColumn, v2, "c"));
  REQUIRE(out.changes.size() == 2);
  CHECK(out.changes[1].kind == SchemaChangeKind::AddColumn);
  CHECK(out.changes[1].definition.nullable);
  // DROP COLUMN a (NOT NULL): the sink keeps it, made nullable; rows give NULL.
  const TableSchema v3 = table({{"id", false}, {"b", true}, {"c", false}}, 3);
  stage.schema_change(change(SchemaChangeKind::DropColumn, v3, "a"));
  REQUIRE(out.changes.size() == 3);
  CHECK(out.changes[2].kind == SchemaChangeKind::AlterColumnType);
  CHECK(out.changes[2].column == "a");
  CHECK(out.changes[2].definition.nullable);
  row(stage, v3, {1, 2, 3});
  CHECK(out.rows.back() == std::vector<std::string>{"id=1", "a=NULL", "b=2", "c=3"});
  // DROP COLUMN b (already nullable): nothing to tell the sink.
  const TableSchema v4 = table({{"id", false}, {"c", false}}, 4);
  stage.schema_change(change(SchemaChangeKind::DropColumn, v4, "b"));
  CHECK(out.changes.size() == 3);
  // RENAME COLUMN c TO d: c stays (it is nullable in the sink already), d is added beside it.
  const TableSchema v5 = table({{"id", false}, {"d", false}}, 5);
  stage.schema_change(change(SchemaChangeKind::RenameColumn, v5, "c", "d"));
  REQUIRE(out.changes.size() == 4);
  CHECK(out.changes[3].kind == SchemaChangeKind::AddColumn);
  CHECK(out.changes[3].column == "d");
  CHECK(out.changes[3].after_column == "c");
  row(stage, v5, {7, 8});
  CHECK(out.rows.back() == std::vector<std::string>{"id=7", "a=NULL", "b=NULL", "c=NULL", "d=8"});
  // TRUNCATE and DROP TABLE are not forwarded.
  stage.schema_change(change(SchemaChangeKind::TruncateTable, v5, ""));
  stage.schema_change(change(SchemaChangeKind::DropTable, v5, ""));
  CHECK(out.changes.size() == 4);
}

TEST_CASE("ignore keeps the sink's columns and maps rows onto them", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::Ignore);
  const TableSchema v1 = table({{"id", false}, {"a", true}});
  stage.schema_change(create(v1));
  const TableSchema v2 = table({{"id", false}, {"x", true}, {"a", true}}, 2);
  stage.schema_change(change(SchemaChangeKind::AddColumn, v2, "x"));
  CHECK(out.changes.size() == 1);
  row(stage, v2, {1, 9, 2});
  CHECK(out.rows.back() == std::vector<std::string>{"id=1", "a=2"});
  CHECK(out.last == out.changes[0].schema);
}

TEST_CASE("exception stops at the first change of an existing table", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::Exception);
  const TableSchema v1 = table({{"id", false}});
  stage.schema_change(create(v1));  // new tables are fine
  const TableSchema v2 = table({{"id", false}, {"a", true}}, 2);
  CHECK_THROWS_AS(stage.schema_change(change(SchemaChangeKind::AddColumn, v2, "a")), Error);
}

TEST_CASE("evolve forwards every change and rows pass through", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::Evolve);
  const TableSchema v1 = table({{"id", false}, {"a", true}});
  stage.schema_change(create(v1));
  const TableSchema v2 = table({{"id", false}}, 2);
  stage.schema_change(change(SchemaChangeKind::DropColumn, v2, "a"));
  stage.schema_change(change(SchemaChangeKind::TruncateTable, v2, ""));
  REQUIRE(out.changes.size() == 3);
  CHECK(out.changes[1].kind == SchemaChangeKind::DropColumn);
  row(stage, v2, {5});
  CHECK(out.last == &v2);
}

TEST_CASE("try_evolve skips what StarRocks cannot do", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::TryEvolve);
  std::vector<Column> cols = {Column{"id", "int", false}, Column{"n", "bigint", true},
                              Column{"s", "varchar(20)", true}};
  const TableSchema v1(TableId{"app", "t"}, 1, cols, {0});
  stage.schema_change(create(v1));
  std::vector<std::unique_ptr<TableSchema>> versions;
  auto retype = [&](uint32_t version, const char* column, const char* type) {
    std::vector<Column> now = cols;
    for (auto& c : now) {
      if (c.name == column) {
        c.type = type;
      }
    }
    versions.push_back(
        std::make_unique<TableSchema>(TableId{"app", "t"}, version, now, std::vector<uint16_t>{0}));
    stage.schema_change(change(SchemaChangeKind::AlterColumnType, *versions.back(), column));
  };
  retype(2, "n", "int");          // narrowing: skipped
  retype(3, "s", "varchar(10)");  // shorter: skipped
  retype(4, "id", "bigint");      // a key column: skipped
  CHECK(out.changes.size() == 1);
  retype(5, "s", "varchar(40)");  // widening: applied
  REQUIRE(out.changes.size() == 2);
  CHECK(out.changes[1].definition.type == "varchar(40)");
}

TEST_CASE("a restart maps rows onto the columns the sink had", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::Lenient);
  // The sink kept a dropped column `a` (lenient) at version 4 in the last run.
  stage.restore(TableId{"app", "t"}, 4, {Column{"id", "int", false}, Column{"a", "int", true}},
                {0});
  const TableSchema now = table({{"id", false}, {"b", true}}, 2);
  stage.schema_change(create(now));  // the source announces the table again
  REQUIRE(out.changes.size() == 1);
  CHECK(out.changes[0].schema->version() == 5);  // union: a kept, b added
  CHECK(out.changes[0].schema->columns().size() == 3);
  row(stage, now, {1, 2});
  CHECK(out.rows.back() == std::vector<std::string>{"id=1", "a=NULL", "b=2"});
}

TEST_CASE("tables merged from shards get the union of their columns", "[schema]") {
  Recorder out;
  SchemaStage stage = stage_for(out, SchemaBehavior::Evolve);
  const TableSchema shard1 = table({{"id", false}, {"a", true}});
  const TableSchema shard2 = table({{"id", false}, {"b", true}}, 2);
  stage.schema_change(create(shard1));
  stage.schema_change(create(shard2));
  REQUIRE(out.changes.size() == 2);
  CHECK(out.changes[1].schema->columns().size() == 3);
  row(stage, shard1, {1, 10});
  CHECK(out.rows.back() == std::vector<std::string>{"id=1", "a=10", "b=NULL"});
  row(stage, shard2, {2, 20});
  CHECK(out.rows.back() == std::vector<std::string>{"id=2", "a=NULL", "b=20"});
}

}  // namespace starcdc
