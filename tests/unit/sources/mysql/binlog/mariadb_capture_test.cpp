// A binlog written by MariaDB 10.11 (binlog_row_metadata=FULL) with every column type; the
// statements that produced it are in data/README.md.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog_test_support.hpp"
#include "sources/mysql/binlog/binlog_file_reader.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"

namespace starcdc::mysql::binlog {
namespace {

using test::show;

const std::string kFile = std::string(STARCDC_SOURCE_DIR) +
                          "/tests/unit/sources/mysql/binlog/data/mariadb-10.11-types.000001";

struct Captured {
  std::vector<const char*> kinds;
  std::vector<std::vector<std::string>> before, after;
  std::vector<std::string> queries, annotations, gtids;
  std::vector<std::string> schema;  // column_sql_type of table ty
  std::vector<std::string> names;
  int compressed_rows = 0;
};

Captured capture() {
  BinlogFileReader file(kFile);
  EventDecoder decoder;
  Captured c;
  while (auto bytes = file.next()) {
    const DecodedEvent ev = decoder.decode(*bytes);
    if (const auto* q = ev.as<QueryEvent>()) {
      c.queries.emplace_back(q->sql);
    } else if (const auto* a = ev.as<AnnotateRowsEvent>()) {
      c.annotations.emplace_back(a->sql);
    } else if (const auto* g = ev.as<MariaGtidEvent>()) {
      c.gtids.push_back(g->gtid_text());
    } else if (const auto* t = ev.as<TableMapEvent>()) {
      if (t->table->table == "ty" && c.schema.empty()) {
        for (const ColumnDef& col : t->table->columns) {
          c.schema.push_back(column_sql_type(col));
          c.names.push_back(col.name);
        }
      }
    } else if (const auto* r = ev.as<RowsEvent>()) {
      c.compressed_rows += r->compressed ? 1 : 0;
      RowReader reader = decoder.rows(*r);
      RowChange row;
      while (reader.next(row)) {
        c.before.push_back(test::show(row.before));
        c.after.push_back(test::show(row.after));
      }
    }
  }
  return c;
}

const std::vector<std::string> kRow1 = {
    "i:1",
    "i:-128",
    "u:255",
    "i:-32768",
    "u:65535",
    "i:-8388608",
    "u:16777215",
    "i:-2147483648",
    "u:4294967295",
    "i:-9223372036854775808",
    "u:18446744073709551615",
    "f:1.5",
    "f:-2.25",
    "dec:-12345678.91",
    "dec:-12345678901234567890123456789012345.123456789012345678901234567890",
    "dec:-11",
    "dec:0.0005",
    "date:2024-01-02",
    "time:-838:59:59",
    "time:-01:02:03.125",
    "time:12:34:56.000789",
    "dt:2024-01-02 03:04:05",
    "dt:9999-12-31 23:59:59.999999",
    "ts:2024-01-02 03:04:05",
    "ts:2038-01-19 03:14:07.999",
    "i:2155",
    "s:abc",
    "s:\xc3\xa9\xe6\xbc\xa2",
    "s:hello",
    "s:" + std::string(300, 'x'),
    "b:01020000",
    "b:00ff",
    "s:caf\xc3\xa9\xe2\x82\xac",
    "s:text \xc3\xbc",
    "s:medium",
    "b:000102",
    "b:deadbeef",
    "s:\xc3\xa7",
    "s:x,z",
    "u:21",
    "u:18446744073709551615",
    "s:{\"a\":[1,2.5,\"s\"],\"b\":null}",
    "s:LINESTRING(0 0,1 1.5)",
    "s:POINT(1 -2)"};

TEST_CASE("a MariaDB binlog with every column type decodes to the inserted values",
          "[mysql][binlog]") {
  const Captured c = capture();
  REQUIRE(c.after.size() == 7);
  CHECK(c.after[0] == kRow1);
  CHECK(c.before[0].empty());
}

TEST_CASE("MariaDB zero dates become NULL and UPDATE carries both images", "[mysql][binlog]") {
  const Captured c = capture();
  REQUIRE(c.after.size() == 7);
  // Row 2 was inserted with '0000-00-00' into DATE, DATETIME and TIMESTAMP only.
  CHECK(c.after[1][0] == "i:2");
  CHECK(c.after[1][17] == "null");
  CHECK(c.after[1][21] == "null");
  CHECK(c.after[1][23] == "null");
  // UPDATE ty SET vc='world', ti=NULL WHERE id=1.
  CHECK(c.before[2] == kRow1);
  std::vector<std::string> updated = kRow1;
  updated[1] = "null";
  updated[28] = "s:world";
  CHECK(c.after[2] == updated);
  // DELETE of row 2: a before image only.
  CHECK(c.before[3][0] == "i:2");
  CHECK(c.after[3].empty());
}

TEST_CASE("MINIMAL row images leave absent columns out of the mask", "[mysql][binlog]") {
  const Captured c = capture();
  REQUIRE(c.after.size() == 7);
  // UPDATE ty SET ii=7 WHERE id=1 under binlog_row_image=MINIMAL: before = PK, after = ii.
  for (size_t i = 0; i < c.before[4].size(); ++i) {
    CHECK(c.before[4][i] == (i == 0 ? "i:1" : "absent"));
    CHECK(c.after[4][i] == (i == 7 ? "i:7" : "absent"));
  }
}

TEST_CASE("MariaDB compressed rows events decompress (log_bin_compress)", "[mysql][binlog]") {
  const Captured c = capture();
  REQUIRE(c.after.size() == 7);
  CHECK(c.compressed_rows == 1);
  std::string big;
  for (int i = 0; i < 200; ++i) {
    big += "abcdefgh";
  }
  CHECK(c.after[5] == std::vector<std::string>{"i:1", "s:" + big});
  CHECK(c.after[6] == std::vector<std::string>{"i:2", "s:short"});
}

TEST_CASE("FULL metadata gives names and declared types of every column", "[mysql][binlog]") {
  const Captured c = capture();
  REQUIRE(c.names.size() == 44);
  CHECK(c.names[0] == "id");
  CHECK(c.names[43] == "pt");
  const std::vector<std::string> expected = {"int",
                                             "tinyint",
                                             "tinyint unsigned",
                                             "smallint",
                                             "smallint unsigned",
                                             "mediumint",
                                             "mediumint unsigned",
                                             "int",
                                             "int unsigned",
                                             "bigint",
                                             "bigint unsigned",
                                             "float",
                                             "double",
                                             "decimal(10,2)",
                                             "decimal(65,30)",
                                             "decimal(5,0)",
                                             "decimal(4,4)",
                                             "date",
                                             "time",
                                             "time(3)",
                                             "time(6)",
                                             "datetime",
                                             "datetime(6)",
                                             "timestamp",
                                             "timestamp(3)",
                                             "year",
                                             "char(10)",
                                             "char(100)",
                                             "varchar(20)",
                                             "varchar(300)",
                                             "binary(4)",
                                             "varbinary(10)",
                                             "varchar(20)",
                                             "text",
                                             "mediumtext",
                                             "blob",
                                             "longblob",
                                             "enum('a','b','\xc3\xa7')",
                                             "set('x','y','z')",
                                             "bit(5)",
                                             "bit(64)",
                                             "longtext",
                                             "geometry",
                                             "point"};
  CHECK(c.schema == expected);
}

TEST_CASE("MariaDB GTID and ANNOTATE_ROWS events carry domain-server-seq and the statement",
          "[mysql][binlog]") {
  const Captured c = capture();
  REQUIRE(!c.gtids.empty());
  CHECK(c.gtids[0].rfind("0-7-", 0) == 0);
  REQUIRE(!c.annotations.empty());
  CHECK(c.annotations[0].rfind("INSERT INTO ty VALUES (1,", 0) == 0);
}

}  // namespace
}  // namespace starcdc::mysql::binlog
