// The kafka source's parts that need no broker: specific offsets, the position document, and
// the table shapes learned from messages (creation, inferred and declared columns, restore).
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pipeline/model/columns_json.hpp"
#include "sources/kafka/kafka_options.hpp"
#include "sources/kafka/kafka_position.hpp"
#include "sources/kafka/table_shapes.hpp"

namespace starcdc::kafka {
namespace {

DecodedMessage rows(std::vector<Column> declared, std::vector<std::string> key,
                    std::span<const Field> after) {
  DecodedMessage m;
  m.kind = DecodedMessage::Kind::Rows;
  m.table = TableId{"shop", "items"};
  m.declared = std::move(declared);
  m.primary_key = std::move(key);
  m.rows.push_back(RowChange{Op::Insert, {}, after});
  return m;
}

std::vector<std::string> names(const TableSchema* s) {
  std::vector<std::string> out;
  for (const Column& c : s->columns()) {
    out.push_back(c.name + " " + c.type);
  }
  return out;
}

}  // namespace

TEST_CASE("kafka: specific offsets in Flink's form", "[kafka]") {
  std::string error;
  auto offsets =
      parse_specific_offsets("partition:0,offset:42;topic:t,partition:3,offset:7;", &error);
  REQUIRE(offsets.has_value());
  REQUIRE(offsets->size() == 2);
  CHECK((*offsets)[0].topic.empty());
  CHECK((*offsets)[0].offset == 42);
  CHECK((*offsets)[1].topic == "t");
  CHECK((*offsets)[1].partition == 3);
  CHECK(!parse_specific_offsets("partition:0", &error));
  CHECK(error == "'partition:0' needs both partition:N and offset:N");
  CHECK(!parse_specific_offsets("partition:-1,offset:3", &error));
  CHECK(!parse_specific_offsets("", &error));
}

TEST_CASE("kafka: the position document round-trips", "[kafka]") {
  Offsets offsets{{{"a", 0}, 5}, {{"a", 2}, 9}, {{"b", 1}, 0}};
  const std::string json = position_json(offsets, R"({"shop.items":{"columns":[],"key":[]}})");
  CHECK(
      json ==
      R"({"offsets":{"a":{"0":5,"2":9},"b":{"1":0}},"schemas":{"shop.items":{"columns":[],"key":[]}}})");
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  Offsets back;
  REQUIRE(read_offsets(doc, back));
  CHECK(back == offsets);
  for (const char* bad : {R"({"file":"mysql-bin.000001","pos":4})", R"({"offsets":{"a":{"x":1}}})",
                          R"({"offsets":{"a":{"0":-1}}})", R"({"offsets":[]})"}) {
    doc.Parse(bad);
    Offsets o;
    CHECK(!read_offsets(doc, o));
  }
}

TEST_CASE("kafka: tables are created and evolved from the messages", "[kafka]") {
  SchemaRegistry registry;
  TableShapes shapes(registry);
  std::vector<SchemaChange> changes;

  // Declared types and a key: a new table.
  const Field f1[] = {{"id", Value::int64(1)}, {"name", Value::string("a")}};
  auto m = rows({Column{"id", "bigint", false}, Column{"name", "varchar(20)", true}}, {"id"}, f1);
  const TableSchema* s = shapes.resolve(m, changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChangeKind::CreateTable);
  CHECK(names(s) == std::vector<std::string>{"id bigint", "name varchar(20)"});
  CHECK(s->primary_key().size() == 1);

  // The same shape again: nothing changes, the same schema.
  changes.clear();
  CHECK(shapes.resolve(m, changes) == s);
  CHECK(changes.empty());

  // A field without a declared type: inferred and added.
  const Field f2[] = {
      {"id", Value::int64(2)}, {"name", Value::string("b")}, {"price", Value::decimal("1.50")}};
  auto m2 = rows(m.declared, {"id"}, f2);
  const TableSchema* s2 = shapes.resolve(m2, changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChangeKind::AddColumn);
  CHECK(changes[0].column == "price");
  CHECK(changes[0].after_column == "name");
  CHECK(names(s2).back() == "price " + infer_column("price", Value::decimal("1.50")).type);

  std::vector<Value> values;
  std::vector<uint64_t> mask;
  CHECK(shapes.fill(s2, f2, values, mask));
  CHECK(!shapes.fill(s2, f1, values, mask));  // price absent
  CHECK((mask[0] & 4U) == 0);

  // Declared columns changing: name widened, a new one declared, price no longer declared.
  changes.clear();
  const Field f3[] = {
      {"id", Value::int64(3)}, {"name", Value::string("c")}, {"qty", Value::int64(4)}};
  auto m3 = rows({Column{"id", "bigint", false}, Column{"name", "varchar(40)", true},
                  Column{"qty", "int", true}},
                 {"id"}, f3);
  const TableSchema* s3 = shapes.resolve(m3, changes);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].kind == SchemaChangeKind::DropColumn);
  CHECK(changes[0].column == "price");
  CHECK(changes[1].kind == SchemaChangeKind::AlterColumnType);
  CHECK(changes[1].definition == Column{"name", "varchar(40)", true});
  CHECK(changes[2].kind == SchemaChangeKind::AddColumn);
  CHECK(names(s3) == std::vector<std::string>{"id bigint", "name varchar(40)", "qty int"});

  // What a checkpoint keeps comes back, announced at first sight.
  const std::string json = shapes.json();
  SchemaRegistry registry2;
  TableShapes again(registry2);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  REQUIRE(doc.HasMember("shop.items"));
  std::vector<Column> cols;
  std::vector<uint16_t> key;
  REQUIRE(read_columns_json(doc["shop.items"], cols, key));
  again.restore(TableId{"shop", "items"}, cols, key);
  changes.clear();
  const TableSchema* r = again.resolve(m3, changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == SchemaChangeKind::CreateTable);
  CHECK(names(r) == names(s3));
}

}  // namespace starcdc::kafka
