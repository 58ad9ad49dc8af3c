// Transform rules: the expression parser, the compiler's type checks, the function library, and
// the stage (projection, filter, primary keys, SOFT_DELETE, schema changes through a rule).
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"
#include "pipeline/model/calendar.hpp"
#include "pipeline/stages/transform_stage.hpp"
#include "pipeline/transform/convert.hpp"

namespace starcdc {
namespace {

using transform::parse_expression;
using transform::parse_projection;

TableSchema orders(uint32_t version = 1) {
  return TableSchema(
      TableId{"app", "orders"}, version,
      {Column{"id", "bigint", false}, Column{"price", "decimal(10,2)", true},
       Column{"qty", "int", true}, Column{"name", "varchar(20)", true},
       Column{"created", "datetime(3)", true}, Column{"big", "bigint unsigned", true}},
      {0});
}

int64_t micros(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return days_from_civil(y, m, d) * kMicrosPerDay + ((hh * 60 + mm) * 60 + ss) * kMicrosPerSecond;
}

std::vector<Value> order_row(int64_t id, const char* price, int64_t qty, const char* name) {
  return {Value::int64(id),
          price == nullptr ? Value::null() : Value::decimal(price),
          Value::int64(qty),
          name == nullptr ? Value::null() : Value::string(name),
          Value::temporal(ValueKind::DateTime, micros(2026, 11, 24, 9, 12, 3) + 517000, 3),
          Value::uint64(18446744073709551615ULL)};
}

std::string render(const Value& v, Arena& arena) {
  if (v.is_null()) {
    return "NULL";
  }
  return std::string(transform::text_of(v, arena));
}

// Evaluates `text` on one orders row; "error: ..." when it does not compile or fails.
std::string eval(const std::string& text, std::vector<Value> row = order_row(7, "12.50", 3, "Ada"),
                 std::string* type = nullptr) {
  static const TableSchema schema = orders();
  auto e = parse_expression(text, "filter");
  if (!e.ok()) {
    return std::string("error: ") + e.error().what();
  }
  auto c = transform::compile(e.value(), schema, {}, "filter");
  if (!c.ok()) {
    return std::string("error: ") + c.error().what();
  }
  if (type != nullptr) {
    *type = transform::column_type(c.value().type());
  }
  Arena arena;
  TableId id = schema.id();
  transform::RowContext ctx{row,           ColumnMask{},       &id,   "+I",
                            1764000000123, micros(2026, 1, 2), &arena};
  try {
    return render(c.value().eval(ctx), arena);
  } catch (const Error& err) {
    return std::string("error: ") + err.what();
  }
}

}  // namespace

TEST_CASE("transform: the parser reads the grammar and says where it stops", "[transform]") {
  auto p = parse_projection("\\*, price * qty AS total, UPPER(name) up, `odd name`");
  REQUIRE(p.ok());
  REQUIRE(p.value().size() == 4);
  CHECK(p.value()[0].star);
  CHECK(transform::to_string(p.value()[1].expr) == "(price * qty)");
  CHECK(p.value()[1].alias == "total");
  CHECK(p.value()[2].alias == "up");
  CHECK(p.value()[3].expr.text == "odd name");

  auto f = parse_expression(
      "a > 1 AND NOT b IS NULL OR c BETWEEN 1 AND 2 AND d NOT IN (1, 2) AND e LIKE 'x%'", "filter");
  REQUIRE(f.ok());
  CHECK(transform::to_string(f.value()) ==
        "(((a > 1) AND (NOT (b IS NULL))) OR (((c BETWEEN 1 AND 2) AND (d NOT IN (1, 2))) AND "
        "(e LIKE 'x%')))");
  auto c = parse_expression("CASE x WHEN 1 THEN 'a' ELSE 'b' END || 'it''s'", "filter");
  REQUIRE(c.ok());
  CHECK(transform::to_string(c.value()) == "(CASE WHEN (x = 1) THEN 'a' ELSE 'b' END || 'it''s')");
  CHECK(transform::to_string(parse_expression("-3 - -x", "f").value()) == "(-3 - (-x))");

  auto bad = parse_expression("a + (b * 2", "filter");
  REQUIRE(!bad.ok());
  CHECK(std::string(bad.error().what()) == "filter, at character 11: expected ')', found the end");
  CHECK(std::string(parse_expression("a = 'open", "filter").error().what()) ==
        "filter, at character 5: unterminated string literal");
  CHECK(std::string(parse_projection("a, , b").error().what()) ==
        "projection, at character 4: expected an expression, found ','");
  CHECK(std::string(parse_expression("a ; b", "filter").error().what()) ==
        "filter, at character 3: unexpected character ';'");
  CHECK(!parse_expression(std::string(300, '(') + "1" + std::string(300, ')'), "f").ok());
}

TEST_CASE("transform: arithmetic is exact for integers and decimals", "[transform]") {
  std::string type;
  CHECK(eval("price * qty", order_row(7, "12.50", 3, "Ada"), &type) == "37.50");
  CHECK(type == "decimal(20,2)");
  CHECK(eval("price + 0.125") == "12.625");
  CHECK(eval("price - 20") == "-7.50");
  CHECK(eval("qty / 2", order_row(7, "1", 7, "x"), &type) == "3.5000");
  CHECK(type == "decimal(14,4)");
  CHECK(eval("price / 3") == "4.166667");
  CHECK(eval("qty % 2", order_row(7, "1", 7, "x")) == "1");
  CHECK(eval("qty + 1", order_row(7, "1", 7, "x"), &type) == "8");
  CHECK(type == "bigint");
  CHECK(eval("qty / 0") == "NULL");
  CHECK(eval("qty * 1.5e0", order_row(7, "1", 2, "x"), &type) == "3");
  CHECK(type == "double");
  CHECK(eval("big + 1") == "18446744073709551616");
  CHECK(eval("id * 9223372036854775807").starts_with("error: BIGINT overflow"));
  CHECK(eval("-price") == "-12.50");
  CHECK(eval("price + NULL") == "NULL");
  CHECK(eval("name + 1").starts_with("error: filter, at character 6: arithmetic + needs numbers"));
  CHECK(eval("ROUND(price / 3, 2)") == "4.17");
  CHECK(eval("ROUND(2.5)") == "3");
  CHECK(eval("ROUND(-2.5)") == "-3");
  CHECK(eval("CEIL(price)") == "13");
  CHECK(eval("FLOOR(-price)") == "-13");
  CHECK(eval("ABS(-price)") == "12.50");
  CHECK(eval("MOD(qty, 2)") == "1");
}

TEST_CASE("transform: comparisons, logic and NULL follow SQL", "[transform]") {
  CHECK(eval("price > 10") == "TRUE");
  CHECK(eval("price = 12.5") == "TRUE");
  CHECK(eval("price = '12.50'") == "TRUE");
  CHECK(eval("qty BETWEEN 1 AND 3") == "TRUE");
  CHECK(eval("qty NOT IN (1, 2, 3)") == "FALSE");
  CHECK(eval("qty IN (1, NULL)") == "NULL");
  CHECK(eval("qty BETWEEN NULL AND 2") == "FALSE");
  CHECK(eval("qty NOT BETWEEN NULL AND 2") == "TRUE");
  CHECK(eval("qty BETWEEN NULL AND 5") == "NULL");
  CHECK(eval("CAST('{\"a\":1}' AS JSON)") == "{\"a\":1}");
  CHECK(eval("TRY_CAST('{oops' AS JSON)") == "NULL");
  CHECK(eval("name LIKE 'A_a'") == "TRUE");
  CHECK(eval("name LIKE '%d%'") == "TRUE");
  CHECK(eval("name NOT LIKE 'B%'") == "TRUE");
  CHECK(eval("created >= '2026-11-24'") == "TRUE");
  CHECK(eval("created < '2026-11-24 09:12:03.5'") == "FALSE");
  CHECK(
      eval("created < '2026-13-01'").starts_with("error: filter, at character 9: '2026-13-01' is"));
  CHECK(eval("NULL = NULL") == "NULL");
  CHECK(eval("FALSE AND NULL") == "FALSE");
  CHECK(eval("TRUE OR NULL") == "TRUE");
  CHECK(eval("NOT (name IS NULL)") == "TRUE");
  CHECK(eval("name IS NOT NULL", order_row(7, "1", 1, nullptr)) == "FALSE");
  CHECK(eval("big > id") == "TRUE");
  CHECK(eval("name = 1").find("cannot compare VARCHAR with BIGINT") != std::string::npos);
  CHECK(eval("CASE WHEN qty > 2 THEN 'many' WHEN qty > 0 THEN 'some' END") == "many");
  CHECK(eval("CASE qty WHEN 1 THEN 'one' ELSE 'other' END") == "other");
  CHECK(eval("CASE WHEN qty > 5 THEN 1 END") == "NULL");
  CHECK(eval("IF(qty > 2, price, 0)") == "12.50");
  CHECK(eval("COALESCE(name, 'none')", order_row(7, "1", 1, nullptr)) == "none");
  CHECK(eval("NULLIF(qty, 3)") == "NULL");
}

TEST_CASE("transform: strings, casts and metadata columns", "[transform]") {
  std::string type;
  CHECK(eval("UPPER(name) || '-' || LOWER('XY')", order_row(7, "1", 1, "Ada"), &type) == "ADA-xy");
  CHECK(type == "varchar(23)");
  CHECK(eval("CONCAT(name, id, price)") == "Ada712.50");
  CHECK(eval("CONCAT(name, NULL)") == "NULL");
  CHECK(eval("SUBSTRING('héllo', 2, 3)") == "éll");
  CHECK(eval("SUBSTR('héllo', -2)") == "lo");
  CHECK(eval("CHAR_LENGTH('héllo')") == "5");
  CHECK(eval("TRIM('  a b  ') || '|'") == "a b|");
  CHECK(eval("REPLACE('a-b-c', '-', '+')") == "a+b+c");
  CHECK(eval("CAST(price AS INT)") == "12");
  CHECK(eval("CAST('42' AS BIGINT) + 1") == "43");
  CHECK(eval("CAST(qty AS VARCHAR(10)) || 'x'") == "3x");
  CHECK(eval("CAST('12.345' AS DECIMAL(5,2))", {}, &type) == "12.35");
  CHECK(type == "decimal(5,2)");
  CHECK(eval("CAST('abc' AS INT)").find("CAST of 'abc' to INT failed") != std::string::npos);
  CHECK(eval("TRY_CAST('abc' AS INT)") == "NULL");
  CHECK(eval("CAST(created AS DATE)") == "2026-11-24");
  CHECK(eval("CAST('2024-02-29 10:00:00' AS TIMESTAMP)") == "2024-02-29 10:00:00");
  CHECK(eval("CAST(1 AS WIDGET)").find("unknown type WIDGET") != std::string::npos);
  CHECK(eval("__schema_name__ || '.' || __table_name__") == "app.orders");
  CHECK(eval("__namespace_name__") == "NULL");
  CHECK(eval("__data_event_type__") == "+I");
  CHECK(eval("op_ts", {}, &type) == "2025-11-24 16:00:00.123");
  CHECK(type == "timestamp(3)");
  CHECK(eval("nope + 1").find("unknown column nope (app.orders has id, price") !=
        std::string::npos);
  CHECK(eval("FROB(1)").find("unknown function FROB") != std::string::npos);
  CHECK(eval("UPPER(1, 2)").find("UPPER takes 1 argument, not 2") != std::string::npos);
}

TEST_CASE("transform: date functions", "[transform]") {
  CHECK(eval("DATE_FORMAT(created, 'yyyy/MM/dd HH:mm:ss.SSS')") == "2026/11/24 09:12:03.517");
  CHECK(eval("DATE_FORMAT(created, '%Y%m%d-%H%i%s')") == "20261124-091203");
  CHECK(eval("YEAR(created) * 100 + MONTH(created)") == "202611");
  CHECK(eval("DAY(created) + HOUR(created) + MINUTE(created) + SECOND(created)") == "48");
  CHECK(eval("TO_DATE('24.11.2026', 'dd.MM.yyyy')") == "2026-11-24");
  CHECK(eval("TO_DATE('2026-02-30')") == "NULL");
  CHECK(eval("TO_TIMESTAMP('2026-11-24 01:02:03')") == "2026-11-24 01:02:03.000");
  CHECK(eval("TIMESTAMPDIFF(DAY, '2026-11-01', created)") == "23");
  CHECK(eval("TIMESTAMPDIFF(MONTH, '2026-01-31', '2026-02-28')") == "0");
  CHECK(eval("TIMESTAMPDIFF(MONTH, '2026-01-31', '2026-03-31')") == "2");
  CHECK(eval("TIMESTAMPADD(MONTH, 3, '2026-11-30')") == "2027-02-28 00:00:00");
  CHECK(eval("TIMESTAMPADD(HOUR, -10, created)") == "2026-11-23 23:12:03.517");
  CHECK(eval("UNIX_TIMESTAMP('1970-01-02')") == "86400");
  CHECK(eval("FROM_UNIXTIME(86400)") == "1970-01-02 00:00:00");
  CHECK(eval("CURRENT_DATE") == "2026-01-02");
  CHECK(eval("NOW()") == "2026-01-02 00:00:00.000");
  CHECK(eval("TIMESTAMPDIFF(FORTNIGHT, created, created)").find("needs a unit first") !=
        std::string::npos);
}

namespace {

struct Recorder : Emitter {
  std::vector<SchemaChange> changes;
  std::vector<std::string> rows;  // "op col=value ..." of the image that carries the row
  void event(const ChangeEvent& e) override {
    Arena arena;
    std::string r = op_name(e.op);
    const RowImage& img = e.op == Op::Delete ? e.before : e.after;
    for (size_t i = 0; i < e.schema->columns().size(); ++i) {
      r += " " + e.schema->columns()[i].name + "=" +
           (img.present.has(i) ? render(img.values[i], arena) : "?");
    }
    rows.push_back(r);
  }
  void schema_change(const SchemaChange& c) override { changes.push_back(c); }
};

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("''") : std::string(1, c);
  }
  return out + "'";
}

// A rule as the loader makes it from YAML; empty options are left out.
config::TransformRule rule(const std::string& projection, const std::string& filter,
                           const std::string& keys = "", bool soft = false,
                           const std::string& extra = "") {
  std::string yaml = "source-table: app.orders\n";
  if (!projection.empty()) {
    yaml += "projection: " + quoted(projection) + "\n";
  }
  if (!filter.empty()) {
    yaml += "filter: " + quoted(filter) + "\n";
  }
  if (!keys.empty()) {
    yaml += "primary-keys: " + keys + "\n";
  }
  if (soft) {
    yaml += "converter-after-transform: SOFT_DELETE\n";
  }
  yaml += extra;
  config::Diagnostics diags;
  auto node = config::parse_yaml(yaml, "pipeline.yaml", diags);
  REQUIRE(node.has_value());
  config::TransformRule r;
  r.options = config::transform_options().parse(*node, {}, diags);
  REQUIRE(diags.empty());
  r.where = config::Location{"pipeline.yaml", 12, 3};
  return r;
}

ChangeEvent row_event(Op op, const TableSchema& s, std::vector<Value>* before,
                      std::vector<Value>* after) {
  ChangeEvent e;
  e.op = op;
  e.schema = &s;
  if (before != nullptr) {
    e.before.values = *before;
  }
  if (after != nullptr) {
    e.after.values = *after;
  }
  e.commit_ms = 1000;
  return e;
}

}  // namespace

TEST_CASE("transform stage: projection, filter and keys shape the rows", "[transform]") {
  Recorder out;
  TransformStage stage(
      out, TransformStage::rules_from({rule("id, price * qty AS total, UPPER(name) AS who, "
                                            "__data_event_type__ AS op",
                                            "total > 10")}));
  const TableSchema s = orders();
  auto create = SchemaChange{};
  create.kind = SchemaChangeKind::CreateTable;
  create.table = s.id();
  create.schema = &s;
  stage.schema_change(create);
  REQUIRE(out.changes.size() == 1);
  const TableSchema* result = out.changes[0].schema;
  REQUIRE(result->columns().size() == 4);
  CHECK(result->columns()[0] == Column{"id", "bigint", false});
  CHECK(result->columns()[1] == Column{"total", "decimal(20,2)", true});
  CHECK(result->columns()[2] == Column{"who", "varchar(20)", true});
  CHECK(result->columns()[3] == Column{"op", "varchar(2)", true});
  CHECK(std::vector<uint16_t>(result->primary_key().begin(), result->primary_key().end()) ==
        std::vector<uint16_t>{0});

  auto big = order_row(1, "5.00", 3, "ada");
  auto small = order_row(1, "5.00", 1, "ada");
  stage.event(row_event(Op::Insert, s, nullptr, &big));
  stage.event(row_event(Op::Insert, s, nullptr, &small));  // filtered out
  stage.event(row_event(Op::Update, s, &big, &small));     // leaves: a delete
  stage.event(row_event(Op::Update, s, &small, &big));     // enters: an insert
  stage.event(row_event(Op::Update, s, &big, &big));       // stays: an update
  stage.event(row_event(Op::Delete, s, &big, nullptr));
  stage.event(row_event(Op::Delete, s, &small, nullptr));  // filtered out
  CHECK(out.rows == std::vector<std::string>{
                        "insert id=1 total=15.00 who=ADA op=+I",
                        "delete id=1 total=15.00 who=ADA op=-D",
                        "insert id=1 total=15.00 who=ADA op=+U",
                        "update id=1 total=15.00 who=ADA op=+U",
                        "delete id=1 total=15.00 who=ADA op=-D",
                    });
}

TEST_CASE("transform stage: SOFT_DELETE turns deletes into inserts marked -D", "[transform]") {
  Recorder out;
  TransformStage stage(
      out, TransformStage::rules_from({rule("\\*, __data_event_type__ AS op_type", "", "", true)}));
  const TableSchema s = orders();
  auto r = order_row(4, "1.00", 1, "x");
  stage.event(row_event(Op::Insert, s, nullptr, &r));
  stage.event(row_event(Op::Delete, s, &r, nullptr));
  REQUIRE(out.rows.size() == 2);
  CHECK(out.rows[0].starts_with("insert id=4 "));
  CHECK(out.rows[0].ends_with(" op_type=+I"));
  CHECK(out.rows[1].starts_with("insert id=4 "));
  CHECK(out.rows[1].ends_with(" op_type=-D"));
}

TEST_CASE("transform stage: a rule without a projection filters and rekeys in place",
          "[transform]") {
  Recorder out;
  TransformStage stage(out, TransformStage::rules_from({rule("", "name <> 'skip'", "id, name")}));
  const TableSchema s = orders();
  auto keep = order_row(1, "1.00", 1, "keep");
  auto skip = order_row(2, "1.00", 1, "skip");
  stage.event(row_event(Op::Insert, s, nullptr, &keep));
  stage.event(row_event(Op::Insert, s, nullptr, &skip));
  REQUIRE(out.rows.size() == 1);
  CHECK(out.rows[0].starts_with("insert id=1 price=1.00 qty=1 name=keep"));
}

TEST_CASE("transform stage: MINIMAL images give only the columns they can", "[transform]") {
  Recorder out;
  TransformStage stage(out, TransformStage::rules_from({rule("id, qty + 1 AS next, name", "")}));
  const TableSchema s = orders();
  auto before = order_row(1, "1.00", 1, "a");
  auto after = order_row(1, "1.00", 2, "a");
  uint64_t mask = (1U << 0) | (1U << 2);  // id and qty only
  ChangeEvent e = row_event(Op::Update, s, &before, &after);
  e.after.present = ColumnMask{&mask};
  stage.event(e);
  REQUIRE(out.rows.size() == 1);
  CHECK(out.rows[0] == "update id=1 next=3 name=?");
}

TEST_CASE("transform stage: a filter meets MINIMAL images", "[transform]") {
  Recorder out;
  TransformStage stage(out, TransformStage::rules_from({rule("id, qty", "name <> 'skip'")}));
  const TableSchema s = orders();
  auto before = order_row(1, "1.00", 1, "keep");
  auto after = order_row(1, "1.00", 2, "keep");
  uint64_t key_only = 1U;                    // a MINIMAL before image: the key
  uint64_t changed = (1U << 0) | (1U << 2);  // a MINIMAL after image: key and qty
  // Neither image carries `name`: the update passes.
  ChangeEvent e = row_event(Op::Update, s, &before, &after);
  e.before.present = ColumnMask{&key_only};
  e.after.present = ColumnMask{&changed};
  stage.event(e);
  // A full before image outside the filter decides for the partial after image.
  auto skipped = order_row(2, "1.00", 1, "skip");
  ChangeEvent f = row_event(Op::Update, s, &skipped, &after);
  f.after.present = ColumnMask{&changed};
  stage.event(f);
  // A key-only delete passes (deleting a row the table never held changes nothing).
  ChangeEvent d = row_event(Op::Delete, s, &skipped, nullptr);
  d.before.present = ColumnMask{&key_only};
  stage.event(d);
  REQUIRE(out.rows.size() == 2);
  CHECK(out.rows[0] == "update id=1 qty=2");
  CHECK(out.rows[1] == "delete id=2 qty=?");
}

TEST_CASE("transform stage: schema changes reach the result through the projection",
          "[transform]") {
  Recorder out;
  TransformStage stage(out, TransformStage::rules_from({rule("\\*, price * 2 AS doubled", "")}));
  const TableSchema v1 = orders(1);
  SchemaChange create;
  create.kind = SchemaChangeKind::CreateTable;
  create.table = v1.id();
  create.schema = &v1;
  stage.schema_change(create);

  // ADD COLUMN note: `*` covers it; it goes in after the last source column.
  std::vector<Column> cols(v1.columns().begin(), v1.columns().end());
  cols.push_back(Column{"note", "varchar(10)", true});
  const TableSchema v2(v1.id(), 2, cols, {0});
  SchemaChange add;
  add.kind = SchemaChangeKind::AddColumn;
  add.table = v1.id();
  add.schema = &v2;
  add.column = "note";
  add.definition = cols.back();
  add.default_value = "'n/a'";
  stage.schema_change(add);
  REQUIRE(out.changes.size() == 2);
  CHECK(out.changes[1].kind == SchemaChangeKind::AddColumn);
  CHECK(out.changes[1].column == "note");
  CHECK(out.changes[1].after_column == "big");
  CHECK(out.changes[1].default_value == "'n/a'");
  REQUIRE(out.changes[1].schema->columns().size() == 8);
  CHECK(out.changes[1].schema->columns()[6].name == "note");
  CHECK(out.changes[1].schema->columns()[7].name == "doubled");

  // RENAME name → who: a rename downstream too.
  cols[3].name = "who";
  const TableSchema v3(v1.id(), 3, cols, {0});
  SchemaChange rename;
  rename.kind = SchemaChangeKind::RenameColumn;
  rename.table = v1.id();
  rename.schema = &v3;
  rename.column = "name";
  rename.new_name = "who";
  stage.schema_change(rename);
  REQUIRE(out.changes.size() == 3);
  CHECK(out.changes[2].kind == SchemaChangeKind::RenameColumn);
  CHECK(out.changes[2].new_name == "who");

  // Rows of the new version carry the new column.
  std::vector<Value> row = order_row(9, "2.00", 1, "z");
  row.push_back(Value::string("hi"));
  stage.event(row_event(Op::Insert, v3, nullptr, &row));
  REQUIRE(out.rows.size() == 1);
  CHECK(out.rows[0].find(" who=z ") != std::string::npos);
  CHECK(out.rows[0].ends_with(" note=hi doubled=4.00"));

  // DROP price: the computed column reads it, so the rule no longer fits.
  cols.erase(cols.begin() + 1);
  const TableSchema v4(v1.id(), 4, cols, {0});
  SchemaChange drop;
  drop.kind = SchemaChangeKind::DropColumn;
  drop.table = v1.id();
  drop.schema = &v4;
  drop.column = "price";
  try {
    stage.schema_change(drop);
    FAIL("a dropped column an expression reads must stop the pipeline");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Config);
    INFO(e.what());
    CHECK(std::string(e.what()).starts_with(
        "transform rule 1 (source-table app.orders) at pipeline.yaml:12:3, on app.orders: "
        "projection, at character 5: unknown column price"));
  }
}

TEST_CASE("transform stage: a column the projection leaves out changes nothing downstream",
          "[transform]") {
  Recorder out;
  TransformStage stage(out, TransformStage::rules_from({rule("id, name", "")}));
  const TableSchema v1 = orders(1);
  SchemaChange create;
  create.kind = SchemaChangeKind::CreateTable;
  create.table = v1.id();
  create.schema = &v1;
  stage.schema_change(create);
  std::vector<Column> cols(v1.columns().begin(), v1.columns().end());
  cols.push_back(Column{"note", "text", true});
  const TableSchema v2(v1.id(), 2, cols, {0});
  SchemaChange add = create;
  add.kind = SchemaChangeKind::AddColumn;
  add.schema = &v2;
  add.column = "note";
  stage.schema_change(add);
  CHECK(out.changes.size() == 1);
  // A type change of a projected column is passed on.
  cols[3].type = "varchar(40)";
  const TableSchema v3(v1.id(), 3, cols, {0});
  SchemaChange widen = create;
  widen.kind = SchemaChangeKind::AlterColumnType;
  widen.schema = &v3;
  widen.column = "name";
  stage.schema_change(widen);
  REQUIRE(out.changes.size() == 2);
  CHECK(out.changes[1].kind == SchemaChangeKind::AlterColumnType);
  CHECK(out.changes[1].definition == Column{"name", "varchar(40)", true});
}

TEST_CASE("transform stage: rules that cannot work are config errors with their place",
          "[transform]") {
  auto message = [](config::TransformRule r, const TableSchema& s) -> std::string {
    try {
      Recorder out;
      TransformStage stage(out, TransformStage::rules_from({std::move(r)}));
      std::vector<Value> row = order_row(1, "1", 1, "a");
      stage.event(row_event(Op::Insert, s, nullptr, &row));
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  const TableSchema s = orders();
  CHECK(message(rule("price * 2", ""), s)
            .ends_with("projection, at character 1: (price * 2) needs a name: add AS name"));
  CHECK(
      message(rule("name, qty", ""), s)
          .ends_with(
              "the projection leaves out id, a primary key column of app.orders; project it or set "
              "primary-keys"));
  CHECK(message(rule("id, name AS id", ""), s)
            .ends_with("the projection gives two columns named id; rename one with AS"));
  CHECK(message(rule("id", "qty"), s).ends_with("filter must be a condition, not BIGINT"));
  CHECK(message(rule("id", "", "nope"), s)
            .ends_with("primary-keys names nope, which the projection does not give"));
  CHECK(
      message(rule("id", "CAST(name AS INT) > 0"), s)
          .find("transform rule 1 (source-table app.orders) at pipeline.yaml:12:3, the filter of a "
                "row of app.orders: CAST of 'a' to INT failed") != std::string::npos);
  CHECK(message(rule("id, a + ", ""), s) ==
        "transform rule 1 (source-table app.orders): projection, at "
        "character 9: expected an expression, found the end");
  CHECK(message(rule("id", "", "", false, "partition-keys: id\n"), s)
            .find("partition-keys is not supported") != std::string::npos);

  config::Diagnostics diags;
  TransformStage::check({rule("id, (", "")}, diags);
  CHECK(!diags.empty());
}

}  // namespace starcdc
