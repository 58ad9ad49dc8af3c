// Text-protocol fields → the Values the binlog decoder gives for the same columns.
#include "sources/mysql/snapshot/text_values.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/temporal.hpp"

namespace starcdc::mysql::snapshot {
namespace {

using binlog::days_from_civil;
using binlog::kMicrosPerDay;

struct Fixture {
  binlog::DecoderOptions options;
  Arena arena;
  TextValueDecoder decoder{options, arena};
  binlog::TableMap table;

  explicit Fixture(std::vector<std::pair<std::string, std::string>> cols) {
    table.database = "shop";
    table.table = "t";
    for (const auto& [name, type] : cols) {
      table.columns.push_back(column_from_information_schema(name, type));
    }
  }
  Value at(size_t i, std::optional<std::string_view> text) {
    return decoder.decode(table, i, text);
  }
};

}  // namespace

TEST_CASE("COLUMN_TYPE gives kind, signedness, scale, labels and charset", "[mysql][snapshot]") {
  const auto d = column_from_information_schema("d", "decimal(12,4) unsigned");
  CHECK(d.kind == binlog::DecodeKind::NewDecimal);
  CHECK(d.precision == 12);
  CHECK(d.scale == 4);
  CHECK(d.is_unsigned);
  CHECK(column_from_information_schema("i", "INT(10) UNSIGNED ZEROFILL").is_unsigned);
  CHECK_FALSE(column_from_information_schema("i", "int").is_unsigned);
  CHECK(column_from_information_schema("t", "datetime(6)").scale == 6);
  const auto e = column_from_information_schema("e", "enum('Red','it''s','a,b')");
  CHECK(e.labels == std::vector<std::string>{"Red", "it's", "a,b"});
  CHECK(e.real_type == binlog::ColumnType::Enum);
  const auto b = column_from_information_schema("b", "binary(4)");
  CHECK(b.charset == binlog::Charset::Binary);
  CHECK(b.max_bytes == 4);
  CHECK(column_from_information_schema("v", "varchar(10)").charset == binlog::Charset::Utf8mb4);
  CHECK(column_from_information_schema("g", "point").kind == binlog::DecodeKind::Geometry);
  CHECK(column_from_information_schema("j", "longtext").kind == binlog::DecodeKind::Blob);
  CHECK_THROWS_AS(column_from_information_schema("u", "uuid"), Error);
}

TEST_CASE("integers, floats and decimals read like their binlog values", "[mysql][snapshot]") {
  Fixture f({{"a", "tinyint(4)"},
             {"b", "bigint(20) unsigned"},
             {"c", "float"},
             {"d", "double"},
             {"e", "decimal(12,4)"},
             {"f", "decimal(10,0)"},
             {"g", "int(5) zerofill"},
             {"h", "decimal(8,2) unsigned zerofill"},
             {"y", "year(4)"}});
  CHECK(f.at(0, "-128").kind == ValueKind::Int);
  CHECK(f.at(0, "-128").i == -128);
  CHECK(f.at(1, "18446744073709551615").kind == ValueKind::UInt);
  CHECK(f.at(1, "18446744073709551615").u == UINT64_MAX);
  CHECK(f.at(2, "0.1").d == static_cast<double>(0.1F));
  CHECK(f.at(2, "3.40282e38").d == static_cast<double>(3.40282e38F));
  CHECK(f.at(3, "1e300").d == 1e300);
  CHECK(f.at(3, "-2.25").d == -2.25);
  CHECK(f.at(4, "-12345678.1234").text() == "-12345678.1234");
  CHECK(f.at(4, "0.0000").text() == "0.0000");
  CHECK(f.at(4, "-0.0000").text() == "0.0000");
  CHECK(f.at(4, "-0.5000").text() == "-0.5000");
  CHECK(f.at(4, "-0.5000").kind == ValueKind::Decimal);
  // FLOAT is selected as col + 0e0: the double text of the stored float.
  CHECK(select_expression(f.table.columns[2]) == "`c` + 0e0");
  CHECK(f.at(2, "3.1415927410125732").d == static_cast<double>(3.14159265F));
  CHECK(select_expression(f.table.columns[3]) == "`d`");
  CHECK(f.at(5, "9999999999").text() == "9999999999");
  CHECK(f.at(5, "-1").text() == "-1");
  CHECK(f.at(6, "00042").kind == ValueKind::UInt);
  CHECK(f.at(6, "00042").u == 42);
  CHECK(f.at(7, "000012.50").text() == "12.50");
  CHECK(f.at(7, "000000.05").text() == "0.05");
  CHECK(f.at(8, "0000").i == 0);
  CHECK(f.at(8, "2155").i == 2155);
  CHECK(f.at(0, std::nullopt).is_null());
  CHECK_THROWS_AS(f.at(0, "12a"), Error);
  CHECK_THROWS_AS(f.at(4, "1.2.3"), Error);
}

TEST_CASE("temporal texts become days and microseconds with the column's scale",
          "[mysql][snapshot]") {
  Fixture f({{"dt", "date"},
             {"tm", "time"},
             {"tm3", "time(3)"},
             {"dtm", "datetime"},
             {"dtm6", "datetime(6)"},
             {"ts", "timestamp(3)"}});
  CHECK(f.at(0, "1970-01-02").kind == ValueKind::Date);
  CHECK(f.at(0, "1970-01-02").i == 1);
  CHECK(f.at(0, "0001-01-01").i == days_from_civil(1, 1, 1));
  const Value t = f.at(1, "-838:59:59");
  CHECK(t.kind == ValueKind::Time);
  CHECK(t.i == -(838LL * 3600 + 59 * 60 + 59) * 1000000);
  CHECK(t.scale == 0);
  CHECK(f.at(2, "838:59:59.999").i == (838LL * 3600 + 59 * 60 + 59) * 1000000 + 999000);
  CHECK(f.at(2, "-00:00:01.500").i == -1500000);
  CHECK(f.at(2, "-00:00:01.500").scale == 3);
  const Value dt = f.at(4, "9999-12-31 23:59:59.999999");
  CHECK(dt.kind == ValueKind::DateTime);
  CHECK(dt.scale == 6);
  CHECK(dt.i == days_from_civil(9999, 12, 31) * kMicrosPerDay + 86399999999LL);
  CHECK(f.at(3, "1000-01-01 00:00:00").scale == 0);
  const Value ts = f.at(5, "1970-01-01 00:00:01.000");
  CHECK(ts.kind == ValueKind::Timestamp);
  CHECK(ts.i == 1000000);
  CHECK(ts.scale == 3);
  // Zero dates follow the decoder's policy: NULL by default, or MySQL's text.
  CHECK(f.at(0, "0000-00-00").is_null());
  CHECK(f.at(5, "0000-00-00 00:00:00.000").is_null());
  f.options.zero_dates = binlog::ZeroDatePolicy::Text;
  CHECK(f.at(4, "2024-00-15 10:00:00.000000").text() == "2024-00-15 10:00:00.000000");
  CHECK(f.at(5, "0000-00-00 00:00:00.000").text() == "0000-00-00 00:00:00.000");
  CHECK(f.at(0, "2024-02-30").text() == "2024-02-30");
  f.options.zero_dates = binlog::ZeroDatePolicy::Error;
  CHECK_THROWS_AS(f.at(0, "0000-00-00"), Error);
  CHECK_THROWS_AS(f.at(3, "2024-01-01"), Error);
  CHECK_THROWS_AS(f.at(1, "12:00"), Error);
}

TEST_CASE("strings, bytes, ENUM, SET, BIT, JSON and GEOMETRY", "[mysql][snapshot]") {
  Fixture f({{"vc", "varchar(10)"},
             {"bn", "binary(4)"},
             {"bl", "blob"},
             {"e", "enum('red','green')"},
             {"s", "set('a','b','c')"},
             {"b", "bit(10)"},
             {"j", "json"},
             {"g", "point"},
             {"mj", "longtext"}});
  CHECK(f.at(0, "h\xc3\xa9llo").kind == ValueKind::String);
  CHECK(f.at(0, "h\xc3\xa9llo").text() == "h\xc3\xa9llo");
  const std::string bin("\x01\x00\x00\x00", 4);
  CHECK(f.at(1, bin).kind == ValueKind::Bytes);
  CHECK(f.at(1, bin).text() == bin);
  f.options.pad_binary = false;
  CHECK(f.at(1, bin).text() == "\x01");
  CHECK(f.at(2, "\xff").kind == ValueKind::Bytes);
  CHECK(f.at(3, "green").text() == "green");
  CHECK(f.at(3, "").text().empty());
  CHECK(f.at(4, "a,c").text() == "a,c");
  CHECK(f.at(5, std::string("\x02\xaa", 2)).u == 0x2aa);
  CHECK(f.at(5, std::string("\x02\xaa", 2)).kind == ValueKind::UInt);
  CHECK(f.at(6, "{\"k\": 1}").kind == ValueKind::Json);
  // SRID 0, little-endian WKB POINT(1.5 -2).
  const std::string wkb(
      "\x00\x00\x00\x00\x01\x01\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\xf8\x3f"
      "\x00\x00\x00\x00\x00\x00\x00\xc0",
      25);
  CHECK(f.at(7, wkb).kind == ValueKind::String);
  CHECK(f.at(7, wkb).text() == "POINT(1.5 -2)");
  CHECK(f.at(8, "[]").kind == ValueKind::String);  // MariaDB's JSON is LONGTEXT in the binlog too

  // ENUM/SET described without labels (MINIMAL row metadata) are selected as col+0.
  CHECK(select_expression(f.table.columns[3]) == "`e`");
  f.table.columns[3].labels.clear();
  CHECK(select_expression(f.table.columns[3]) == "`e` + 0");
  CHECK(f.at(3, "2").kind == ValueKind::UInt);
  CHECK(f.at(3, "2").u == 2);
}

}  // namespace starcdc::mysql::snapshot
