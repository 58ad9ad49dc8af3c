// Chunk planning without a server: the planner's SQL, and its chunks from hand-written answers.
#include "sources/mysql/snapshot/chunk_planner.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::snapshot {
namespace {

using Field = std::optional<std::string>;

ChunkPlanner planner(std::vector<KeyColumn> key, uint64_t rows) {
  ChunkOptions o;
  o.chunk_rows = rows;
  return ChunkPlanner(TableId{"shop", "t"}, std::move(key), o);
}

// Plays the server for next_sql(): the sorted keys of the table.
std::vector<Chunk> plan_over(ChunkPlanner& p, const std::vector<KeyTuple>& keys, uint64_t rows) {
  std::vector<Chunk> out;
  while (!p.finished()) {
    std::optional<KeyTuple> answer;
    if (p.needs_query()) {
      const std::string sql = p.next_sql();
      const std::optional<KeyTuple> low = out.empty() ? std::nullopt : out.back().high;
      if (sql.starts_with("SELECT MIN(")) {
        const auto it = std::upper_bound(keys.begin(), keys.end(), *low);
        if (it != keys.end()) {
          answer = *it;
        }
      } else {
        const auto from = low ? std::lower_bound(keys.begin(), keys.end(), *low) : keys.begin();
        if (static_cast<uint64_t>(keys.end() - from) > rows) {
          answer = *(from + static_cast<std::ptrdiff_t>(rows));
        }
      }
    }
    if (auto c = p.next(answer)) {
      out.push_back(*c);
    }
    REQUIRE(out.size() < 10000);
  }
  return out;
}

}  // namespace

TEST_CASE("a table without a primary key needs a chunk key column", "[mysql][snapshot]") {
  const std::vector<KeyColumn> cols = {{"a", "int(11)", true}, {"b", "varchar(10)", true}};
  const TableId t{"shop", "logs"};
  CHECK_THROWS_AS(chunk_key_columns(t, cols, {}, std::nullopt), Error);
  try {
    chunk_key_columns(t, cols, {}, std::nullopt);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("shop.logs has no primary key") != std::string::npos);
    CHECK(e.hint().find("chunk.key-column") != std::string::npos);
  }
  CHECK(chunk_key_columns(t, cols, {}, std::string("b")).at(0).name == "b");
  CHECK_THROWS_AS(chunk_key_columns(t, cols, {}, std::string("c")), Error);
  const std::vector<std::string> pk = {"b", "a"};
  const auto key = chunk_key_columns(t, cols, pk, std::nullopt);
  REQUIRE(key.size() == 2);
  CHECK(key[0].name == "b");
  CHECK_FALSE(key[0].nullable);
  const std::vector<KeyColumn> with_enum = {{"e", "enum('b','a')"}, {"n", "int(11)"}};
  const std::vector<std::string> enum_pk = {"e", "n"};
  CHECK_THROWS_AS(chunk_key_columns(t, with_enum, enum_pk, std::nullopt), Error);
  CHECK(chunk_key_columns(t, with_enum, enum_pk, std::string("n")).at(0).name == "n");
}

TEST_CASE("an evenly spread integer key gets fixed steps from MIN without queries",
          "[mysql][snapshot]") {
  ChunkPlanner p = planner({{"id", "int(11)"}}, 100);
  CHECK(p.bounds_sql() ==
        "SELECT MIN(`id`), MAX(`id`), (SELECT TABLE_ROWS FROM information_schema.TABLES WHERE "
        "TABLE_SCHEMA = 'shop' AND TABLE_NAME = 't') FROM `shop`.`t`");
  const std::vector<Field> bounds = {"-50", "949", "500"};  // factor 2
  p.set_bounds(bounds);
  CHECK(p.evenly_split());
  CHECK(p.step() == 200);
  CHECK_FALSE(p.needs_query());
  std::vector<Chunk> chunks;
  while (auto c = p.next()) {
    chunks.push_back(*c);
  }
  REQUIRE(chunks.size() == 5);
  CHECK_FALSE(chunks[0].low);
  CHECK(chunks[0].high == KeyTuple{"150"});
  CHECK(chunks[1].low == KeyTuple{"150"});
  CHECK(chunks[3].high == KeyTuple{"750"});
  CHECK(chunks[4].low == KeyTuple{"750"});
  CHECK_FALSE(chunks[4].high);
  CHECK(chunks[4].id == 4);
  CHECK(p.chunk_condition(chunks[0]) == "`id` < 150");
  CHECK(p.chunk_condition(chunks[2]) == "`id` >= 350 AND `id` < 550");
  CHECK(p.chunk_condition(chunks[4]) == "`id` >= 750");
  const std::vector<std::string> cols = {quote_identifier("id"), quote_identifier("we`ird")};
  CHECK(p.chunk_sql(chunks[2], cols) ==
        "SELECT `id`, `we``ird` FROM `shop`.`t` WHERE `id` >= 350 AND `id` < 550 ORDER BY `id`");
}

TEST_CASE("BIGINT UNSIGNED keys past 2^63 and signed extremes step without overflow",
          "[mysql][snapshot]") {
  ChunkPlanner u = planner({{"id", "bigint(20) unsigned"}}, 4);
  const std::vector<Field> ub = {"18446744073709551600", "18446744073709551615", "16"};
  u.set_bounds(ub);
  REQUIRE(u.evenly_split());
  std::vector<Chunk> chunks;
  while (auto c = u.next()) {
    chunks.push_back(*c);
  }
  REQUIRE(chunks.size() == 4);
  CHECK(chunks[0].high == KeyTuple{"18446744073709551604"});
  CHECK(chunks[3].low == KeyTuple{"18446744073709551612"});
  CHECK_FALSE(chunks[3].high);

  ChunkPlanner s = planner({{"id", "bigint(20)"}}, 1);
  const std::vector<Field> sb = {"-9223372036854775808", "9223372036854775807", "2"};
  s.set_bounds(sb);  // factor 2^63: far from even
  CHECK_FALSE(s.evenly_split());
  ChunkPlanner e = planner({{"id", "bigint(20)"}}, 2);
  const std::vector<Field> eb = {"-9223372036854775808", "-9223372036854775805", "4"};
  e.set_bounds(eb);
  REQUIRE(e.evenly_split());
  CHECK(e.next()->high == KeyTuple{"-9223372036854775806"});
  CHECK(e.next()->high == std::nullopt);
  CHECK(e.finished());
}

TEST_CASE("sparse, string and composite keys ask for the key N rows on", "[mysql][snapshot]") {
  ChunkPlanner sparse = planner({{"id", "int(11)"}}, 3);
  const std::vector<Field> b = {"1", "1000000", "10"};  // factor 100000 > 1000
  sparse.set_bounds(b);
  CHECK_FALSE(sparse.evenly_split());
  REQUIRE(sparse.needs_query());
  CHECK(sparse.next_sql() == "SELECT `id` FROM `shop`.`t` ORDER BY `id` LIMIT 1 OFFSET 3");
  std::vector<KeyTuple> keys;
  for (int i = 1; i <= 10; ++i) {
    keys.push_back({std::to_string(i * i * 10000)});
  }
  std::sort(keys.begin(), keys.end());  // the server's order is the key order; texts sort here
  const auto chunks = plan_over(sparse, keys, 3);
  REQUIRE(chunks.size() == 4);
  CHECK_FALSE(chunks[0].low);
  CHECK(chunks[0].high == keys[3]);
  CHECK(chunks[1].low == keys[3]);
  CHECK(chunks[3].low == keys[9]);
  CHECK_FALSE(chunks[3].high);

  ChunkPlanner text = planner({{"code", "varchar(20)"}}, 2);
  const std::vector<Field> tb = {"a", "z", "5"};
  text.set_bounds(tb);
  CHECK_FALSE(text.evenly_split());
  text.resume(7, {"it's"});
  CHECK(text.next_sql() ==
        "SELECT `code` FROM `shop`.`t` WHERE `code` >= CONVERT(X'69742773' USING utf8mb4) ORDER "
        "BY `code` LIMIT 1 OFFSET 2");
  const auto c = text.next(KeyTuple{"m"});
  REQUIRE(c);
  CHECK(c->id == 7);

  ChunkPlanner comp = planner({{"a", "int(11)"}, {"b", "varbinary(8)"}, {"d", "date"}}, 2);
  const std::vector<Field> cb = {"1", "9", "100"};
  comp.set_bounds(cb);
  CHECK_FALSE(comp.evenly_split());
  const std::vector<KeyTuple> ck = {{"1", "x", "2024-01-01"},
                                    {"1", "y", "2024-01-01"},
                                    {"2", "x", "2024-01-02"},
                                    {"3", "x", "2024-01-03"},
                                    {"3", "y", "2024-01-03"}};
  const auto cc = plan_over(comp, ck, 2);
  REQUIRE(cc.size() == 3);
  CHECK(comp.chunk_condition(cc[1]) ==
        "(`a` >= 2 AND (`a` > 2 OR (`a` = 2 AND (`b` > X'78' OR (`b` = X'78' AND (`d` >= "
        "'2024-01-02')))))) AND (`a` <= 3 AND (`a` < 3 OR (`a` = 3 AND (`b` < X'79' OR (`b` = "
        "X'79' AND (`d` < '2024-01-03'))))))");
}

TEST_CASE("a repeated chunk key value moves the bound to the next value", "[mysql][snapshot]") {
  ChunkPlanner p = planner({{"k", "int(11)", true}}, 2);
  const std::vector<Field> b = {"1", "2", "1000"};
  p.set_bounds(b);  // factor 0.002 < 0.05
  CHECK_FALSE(p.evenly_split());
  CHECK(p.next_sql() ==
        "SELECT `k` FROM `shop`.`t` WHERE `k` IS NOT NULL ORDER BY `k` LIMIT 1 OFFSET 2");
  const std::vector<KeyTuple> keys = {{"1"}, {"1"}, {"1"}, {"1"}, {"1"}, {"2"}, {"2"}};
  const auto chunks = plan_over(p, keys, 2);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0].high == KeyTuple{"1"});
  CHECK(p.chunk_condition(chunks[0]) == "(`k` IS NULL OR `k` < 1)");
  CHECK(chunks[1].low == KeyTuple{"1"});
  CHECK(chunks[1].high == KeyTuple{"2"});
  CHECK_FALSE(chunks[2].high);
}

TEST_CASE("an empty table is one chunk without bounds", "[mysql][snapshot]") {
  ChunkPlanner p = planner({{"id", "int(11)"}}, 10);
  const std::vector<Field> b = {std::nullopt, std::nullopt, "0"};
  p.set_bounds(b);
  CHECK_FALSE(p.needs_query());
  const auto c = p.next();
  REQUIRE(c);
  CHECK_FALSE(c->low);
  CHECK_FALSE(c->high);
  CHECK(p.chunk_condition(*c) == "TRUE");
  CHECK(p.finished());
  CHECK_FALSE(p.next());
}

}  // namespace starcdc::mysql::snapshot
