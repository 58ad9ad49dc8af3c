// MySQL binary JSON, JSON diffs and geometry values, hand-assembled per sql-common/json_binary.h,
// sql/json_diff.cc and the OGC WKB layout.
#include "sources/mysql/binlog/json_binary.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "binlog_test_support.hpp"
#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/geometry.hpp"
#include "sources/mysql/binlog/json_diff.hpp"

namespace starcdc::mysql::binlog {
namespace {

using test::hex;

std::string json(std::string_view hex_doc) {
  ByteBuffer out;
  append_json_document(hex(hex_doc), out);
  return std::string(out.view());
}

std::string wkt(std::string_view hex_value, bool srid = false) {
  ByteBuffer out;
  append_geometry_wkt(hex(hex_value), srid, out);
  return std::string(out.view());
}

TEST_CASE("a small JSON object with an inline and an offset value renders compactly",
          "[mysql][binlog]") {
  // count 2, size 23; keys at 18 ("a") and 19 ("bb"); int16 1 inline; string at 21.
  CHECK(json("00 0200 1700 1200 0100 1300 0200 05 0100 0C 1500 61 6262 01 78") ==
        "{\"a\":1,\"bb\":\"x\"}");
}

TEST_CASE("a large JSON array inlines int32 and uint32 and escapes strings", "[mysql][binlog]") {
  CHECK(json("03 05000000 2e000000"
             "04 01000000  07 fbffffff  08 005ed0b2  0B 21000000  0C 29000000"
             "000000000000f83f  04 c3a9220a") == "[true,-5,3000000000,1.5,\"\xc3\xa9\\\"\\n\"]");
}

TEST_CASE("nested JSON containers, literals and empty containers render", "[mysql][binlog]") {
  // {"k":[null,{}]}: object header 4 + key entry 4 + value entry 3 = 11, key at 11, array at 12.
  // Array: count 2, size 14: entries literal null inline, small object at offset 10: {} (4 bytes).
  CHECK(json("00 0100 1a00 0b00 0100 02 0c00 6b"
             "0200 0e00 04 0000 00 0a00 0000 0400") == "{\"k\":[null,{}]}");
  CHECK(json("02 0000 0400") == "[]");
  CHECK(json("") == "null");
  CHECK(json("04 02") == "false");
}

TEST_CASE("JSON scalars of every width render at the top level", "[mysql][binlog]") {
  CHECK(json("05 00 80") == "-32768");
  CHECK(json("06 ff ff") == "65535");
  CHECK(json("09 0000000000000080") == "-9223372036854775808");
  CHECK(json("0A ffffffffffffffff") == "18446744073709551615");
  CHECK(json("0B 000000000000d0bf") == "-0.25");
  CHECK(json("0B 0000000000000040") == "2.0");
  // A string of 200 bytes has a 2-byte varint length (0xC8 0x01).
  const std::string long_hex = "0C c801" + std::string(400, '6');
  CHECK(json(long_hex) == "\"" + std::string(200, 'f') + "\"");
}

TEST_CASE("JSON opaque DECIMAL, DATE, TIME and DATETIME values render as MySQL prints them",
          "[mysql][binlog]") {
  CHECK(json("0F F6 07 0a04 8004d2162e") == "1234.5678");
  CHECK(json("0F 0C 08 70580a053144b219") == "\"2024-01-02 03:04:05.678000\"");
  CHECK(json("0F 0A 08 000000000044b219") == "\"2024-01-02\"");
  CHECK(json("0F 0B 08 e05ef87cefffffff") == "\"-01:02:03.500000\"");
  CHECK(json("0F FC 03 010203") == "\"base64:type252:AQID\"");
}

TEST_CASE("malformed binary JSON is a data error, not a crash", "[mysql][binlog]") {
  ByteBuffer out;
  // Found by tests/fuzz/binlog_json_fuzz: the smallest packed value was negated (undefined
  // behaviour) and a DATETIME past year 9999 lost its leading digit.
  CHECK(json("0F 0B 08 0000000000000080") == "\"-00:00:00.000000\"");
  CHECK_THROWS_AS(append_json_document(hex("0F 0C 08 0000000000000080"), out), Error);
  CHECK_THROWS_AS(append_json_document(hex("0F 0A 08 0000000000000080"), out), Error);
  CHECK_THROWS_AS(append_json_document(hex("0F 0C 08 000000000000007f"), out), Error);
  CHECK_THROWS_AS(append_json_document(hex("00 0200 ff00"), out), Error);
  CHECK_THROWS_AS(append_json_document(hex("0C 05 6162"), out), Error);
  CHECK_THROWS_AS(append_json_document(hex("04 07"), out), Error);
  CHECK_THROWS_AS(append_json_document(hex("00 0100 0b00 ff00 0100 05 0100"), out), Error);
}

TEST_CASE("JSON diffs apply to the before document", "[mysql][binlog]") {
  const auto before = hex("00 0100 0c00 0b00 0100 05 0100 61");  // {"a":1}
  // REPLACE $.a = 2; INSERT $.b = "x"; then INSERT $.c[0] fails (no $.c): checked below.
  const auto diffs = hex("00 03 242e61 03 050200  01 03 242e62 03 0c0178");
  ByteBuffer out;
  REQUIRE(apply_json_diffs(before, diffs, out));
  CHECK(out.view() == "{\"a\":2,\"b\":\"x\"}");
  out.clear();
  CHECK_FALSE(apply_json_diffs(before, hex("02 03 242e7a"), out));  // REMOVE $.z: absent
  out.clear();
  REQUIRE(apply_json_diffs(hex("02 0300 0d00 05 0100 05 0200 05 0300"),  // [1,2,3]
                           hex("02 04 245b315d  01 04 245b305d 03 0c0161"), out));
  CHECK(out.view() == "[\"a\",1,3]");
}

TEST_CASE("JSON diffs without a before document render as a diff list", "[mysql][binlog]") {
  ByteBuffer out;
  append_json_diff_list(hex("00 03 242e61 03 050200  02 06 242e625b325d"), out);
  CHECK(out.view() ==
        "[{\"op\":\"replace\",\"path\":\"$.a\",\"value\":2},{\"op\":\"remove\",\"path\":\"$.b[2]\"}"
        "]");
}

TEST_CASE("geometry values become WKT in MySQL's layout", "[mysql][binlog]") {
  // SRID 0, little-endian POINT(1 -2).
  CHECK(wkt("00000000 01 01000000 000000000000f03f 00000000000000c0") == "POINT(1 -2)");
  CHECK(wkt("e6100000 01 01000000 000000000000f03f 00000000000000c0", true) ==
        "SRID=4326;POINT(1 -2)");
  // Big-endian POLYGON((0 0,1 0,0 0)).
  CHECK(wkt("00000000 00 00000003 00000001 00000003"
            "0000000000000000 0000000000000000 3ff0000000000000 0000000000000000"
            "0000000000000000 0000000000000000") == "POLYGON((0 0,1 0,0 0))");
  CHECK(wkt("00000000 01 04000000 02000000"
            "01 01000000 0000000000000000 0000000000000000"
            "01 01000000 000000000000f03f 000000000000f03f") == "MULTIPOINT((0 0),(1 1))");
  CHECK(wkt("00000000 01 07000000 00000000") == "GEOMETRYCOLLECTION EMPTY");
  CHECK(wkt("00000000 01 07000000 01000000 01 02000000 02000000"
            "0000000000000000 0000000000000000 000000000000f83f 0000000000000440") ==
        "GEOMETRYCOLLECTION(LINESTRING(0 0,1.5 2.5))");
  ByteBuffer out;
  CHECK_THROWS_AS(append_geometry_wkt(hex("00000000 01 02000000 ff000000"), false, out), Error);
}

}  // namespace
}  // namespace starcdc::mysql::binlog
