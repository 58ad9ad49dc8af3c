#include "pipeline/stages/route_stage.hpp"

#include <catch2/catch.hpp>

#include "pipeline/stages/table_filter_stage.hpp"
#include "test_support.hpp"

namespace starcdc {
namespace {

struct Recorder : Emitter {
  std::vector<std::string> tables;
  std::vector<const TableSchema*> schemas;
  void event(const ChangeEvent& e) override {
    tables.push_back(e.schema->id().str());
    schemas.push_back(e.schema);
  }
  void schema_change(const SchemaChange& c) override { tables.push_back("ddl:" + c.table.str()); }
};

RouteStage::Rule rule(const std::string& src, const std::string& sink,
                      const std::string& symbol = "") {
  std::string err;
  return RouteStage::Rule{*config::TablePattern::parse(src, &err), sink, symbol};
}

config::TablePattern pattern(const std::string& s) {
  std::string err;
  return *config::TablePattern::parse(s, &err);
}

}  // namespace

TEST_CASE("route renames one table and leaves unmatched tables alone", "[route]") {
  Recorder out;
  RouteStage route(out, {rule("app.orders", "ods.orders_v2")}, RouteMode::AllMatch);
  const TableSchema orders = test::schema("app", "orders");
  const TableSchema items = test::schema("app", "items");
  ChangeEvent e;
  e.schema = &orders;
  route.event(e);
  e.schema = &items;
  route.event(e);
  CHECK(out.tables == std::vector<std::string>{"ods.orders_v2", "app.items"});
  CHECK(out.schemas[1] == &items);  // unrouted events keep their schema object
  CHECK(out.schemas[0]->columns().size() == 2);
}

TEST_CASE("route merges sharded tables into one sink table", "[route]") {
  Recorder out;
  RouteStage route(out, {rule("app.orders_[0-9]+", "ods.orders")}, RouteMode::AllMatch);
  const TableSchema s1 = test::schema("app", "orders_1");
  const TableSchema s2 = test::schema("app", "orders_22");
  ChangeEvent e;
  e.schema = &s1;
  route.event(e);
  e.schema = &s2;
  route.event(e);
  route.event(e);
  CHECK(out.tables == std::vector<std::string>{"ods.orders", "ods.orders", "ods.orders"});
  CHECK(out.schemas[1] == out.schemas[2]);  // cached per source schema
}

TEST_CASE("route expands capture groups and the replace symbol", "[route]") {
  Recorder out;
  RouteStage route(out,
                   {rule("db_(\\.*).(\\.*)_tbl", "sink_db_$1.sink_table_$2"),
                    rule("shop.\\.*", "ods.ods_<>", "<>")},
                   RouteMode::AllMatch);
  CHECK(route.route(TableId{"db_eu", "users_tbl"}) ==
        std::vector<TableId>{{"sink_db_eu", "sink_table_users"}});
  CHECK(route.route(TableId{"shop", "orders"}) == std::vector<TableId>{{"ods", "ods_orders"}});
}

TEST_CASE("ALL_MATCH fans out to every matching rule, FIRST_MATCH to the first", "[route]") {
  Recorder out;
  std::vector<RouteStage::Rule> rules = {rule("app.orders", "a.orders"),
                                         rule("app.\\.*", "b.<>", "<>")};
  RouteStage all(out, rules, RouteMode::AllMatch);
  CHECK(all.route(TableId{"app", "orders"}) ==
        std::vector<TableId>{{"a", "orders"}, {"b", "orders"}});
  RouteStage first(out, rules, RouteMode::FirstMatch);
  CHECK(first.route(TableId{"app", "orders"}) == std::vector<TableId>{{"a", "orders"}});

  const TableSchema orders = test::schema("app", "orders");
  ChangeEvent e;
  e.schema = &orders;
  all.event(e);
  CHECK(out.tables == std::vector<std::string>{"a.orders", "b.orders"});
  SchemaChange c;
  c.table = orders.id();
  c.schema = &orders;
  all.schema_change(c);
  CHECK(out.tables.back() == "ddl:b.orders");
}

TEST_CASE("table filter applies tables then tables.exclude", "[route]") {
  Recorder out;
  TableFilterStage filter(out, {pattern("app.\\.*")}, {pattern("app.tmp_\\.*")});
  CHECK(filter.selected(TableId{"app", "orders"}));
  CHECK_FALSE(filter.selected(TableId{"app", "tmp_orders"}));
  CHECK_FALSE(filter.selected(TableId{"other", "orders"}));
  TableFilterStage all(out, {}, {});
  CHECK(all.selected(TableId{"x", "y"}));
  const TableSchema tmp = test::schema("app", "tmp_1");
  const TableSchema ok = test::schema("app", "t");
  ChangeEvent e;
  e.schema = &tmp;
  filter.event(e);
  e.schema = &ok;
  filter.event(e);
  filter.event(e);
  CHECK(out.tables == std::vector<std::string>{"app.t", "app.t"});
}

}  // namespace starcdc
