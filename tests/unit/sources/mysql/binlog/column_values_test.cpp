// Row values of every column type from hand-assembled TABLE_MAP and rows events (MySQL 8 layout),
// with the byte vectors of docs/specs (NEWDECIMAL, temporal) and MySQL's optional metadata.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "binlog_test_support.hpp"
#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"

namespace starcdc::mysql::binlog {
namespace {

using test::Bytes;
using test::hex;
using test::Writer;

struct Col {
  ColumnType type;
  Bytes meta;
};

constexpr uint64_t kTableId = 0x123456;

Bytes table_map(const std::vector<Col>& cols, const Bytes& optional = {}) {
  Writer w;
  w.u48(kTableId).u16(1).u8(4).str("shop").u8(0).u8(1).str("t").u8(0).lenenc(cols.size());
  for (const Col& c : cols) {
    w.u8(static_cast<uint8_t>(c.type));
  }
  Writer meta;
  for (const Col& c : cols) {
    meta.raw(c.meta);
  }
  w.lenenc(meta.b.size()).raw(meta.b);
  w.raw(Bytes((cols.size() + 7) / 8, 0xFF));  // all nullable
  w.raw(optional);
  return test::event(EventType::TableMap, w.b);
}

// A rows event (v2) of `type` with all columns present in both images.
Bytes rows_event(EventType type, size_t ncols, const Bytes& rows, bool two_bitmaps = false,
                 const Bytes& extra = {}) {
  Writer w;
  w.u48(kTableId).u16(1).u16(2 + extra.size()).raw(extra).lenenc(ncols);
  const Bytes all((ncols + 7) / 8, 0xFF);
  w.raw(all);
  if (two_bitmaps) {
    w.raw(all);
  }
  w.raw(rows);
  return test::event(type, w.b);
}

struct Decoded {
  std::vector<std::vector<std::string>> before, after;
  const TableMap* table = nullptr;
};

Decoded decode(EventDecoder& d, const std::vector<Col>& cols, const Bytes& optional,
               const Bytes& rows_bytes, EventType type = EventType::WriteRows) {
  d.decode(test::format_description(false));
  Decoded out;
  out.table = d.decode(table_map(cols, optional)).as<TableMapEvent>()->table;
  const Bytes rows =
      rows_event(type, cols.size(), rows_bytes,
                 type == EventType::UpdateRows || type == EventType::PartialUpdateRows);
  const DecodedEvent ev = d.decode(rows);
  RowReader reader = d.rows(*ev.as<RowsEvent>());
  RowChange row;
  while (reader.next(row)) {
    out.before.push_back(test::show(row.before));
    out.after.push_back(test::show(row.after));
  }
  return out;
}

// One column, one row: the value's text.
std::string one(const Col& col, std::string_view value_hex, const Bytes& optional = {},
                DecoderOptions options = {}) {
  EventDecoder d(options);
  Bytes row = {0x00};
  const Bytes v = hex(value_hex);
  row.insert(row.end(), v.begin(), v.end());
  const Decoded r = decode(d, {col}, optional, row);
  REQUIRE(r.after.size() == 1);
  return r.after[0][0];
}

// Optional metadata field: type, lenenc length, value.
Bytes field(uint8_t type, const Bytes& value) {
  Writer w;
  w.u8(type).lenenc(value.size()).raw(value);
  return w.b;
}

TEST_CASE("NEWDECIMAL values decode to exact text", "[mysql][binlog]") {
  const auto dec = [](uint8_t p, uint8_t s) { return Col{ColumnType::NewDecimal, {p, s}}; };
  CHECK(one(dec(4, 2), "75 C8") == "dec:-10.55");
  CHECK(one(dec(10, 2), "7F FF FF F5 C8") == "dec:-10.55");
  CHECK(one(dec(5, 0), "7F FF F4") == "dec:-11");
  CHECK(one(dec(10, 4), "80 04 D2 16 2E") == "dec:1234.5678");
  CHECK(one(dec(10, 4), "7F FB 2D E9 D1") == "dec:-1234.5678");
  CHECK(one(dec(10, 2), "80 00 00 00 00") == "dec:0.00");
  CHECK(one(dec(4, 4), "80 05") == "dec:0.0005");
  // DECIMAL(65,30) maximum: 8 + 27 integer digits, 27 + 3 fraction digits.
  CHECK(one(dec(65, 30), "85F5E0FF 3B9AC9FF 3B9AC9FF 3B9AC9FF 3B9AC9FF 3B9AC9FF 3B9AC9FF 03E7") ==
        "dec:" + std::string(35, '9') + "." + std::string(30, '9'));
  CHECK_THROWS_AS(one(dec(4, 2), "FF FF"), Error);  // 127 does not fit two digits
}

TEST_CASE("temporal values decode with fractions, signs and UTC", "[mysql][binlog]") {
  CHECK(one({ColumnType::DateTime2, {3}}, "99 B2 44 31 05 1A 7C") == "dt:2024-01-02 03:04:05.678");
  CHECK(one({ColumnType::Time2, {0}}, "80 10 83") == "time:01:02:03");
  CHECK(one({ColumnType::Time2, {0}}, "7F EF 7D") == "time:-01:02:03");
  CHECK(one({ColumnType::Time2, {2}}, "7F EF 7C CE") == "time:-01:02:03.50");
  CHECK(one({ColumnType::Time2, {6}}, "7F EF 7C F8 5E E0") == "time:-01:02:03.500000");
  CHECK(one({ColumnType::Timestamp2, {6}}, "65 93 7D 25 00 00 7B") ==
        "ts:2024-01-02 03:04:05.000123");
  CHECK(one({ColumnType::Date, {}}, "22 D0 0F") == "date:2024-01-02");
  CHECK(one({ColumnType::Year, {}}, "7C") == "i:2024");
  CHECK(one({ColumnType::Year, {}}, "00") == "i:0");
  CHECK(one({ColumnType::Timestamp, {}}, "00 00 00 00") == "null");
  // Old DATETIME 2024-01-02 03:04:05 as the integer 20240102030405.
  CHECK(one({ColumnType::DateTime, {}}, "457c178468120000") == "dt:2024-01-02 03:04:05");
}

TEST_CASE("zero dates follow the chosen policy", "[mysql][binlog]") {
  const Col dt{ColumnType::DateTime2, {0}};
  CHECK(one(dt, "80 00 00 00 00") == "null");
  // A year past 9999 (only corrupt data has one) is no calendar day either.
  CHECK(one({ColumnType::DateTime, {}}, "40637f16f35a0000") == "null");
  DecoderOptions text;
  text.zero_dates = ZeroDatePolicy::Text;
  CHECK(one(dt, "80 00 00 00 00", {}, text) == "s:0000-00-00 00:00:00");
  // 2024-00-15: month 0.
  CHECK(one({ColumnType::Date, {}}, "0F D0 0F", {}, text) == "s:2024-00-15");
  DecoderOptions epoch;
  epoch.zero_dates = ZeroDatePolicy::Epoch;
  CHECK(one(dt, "80 00 00 00 00", {}, epoch) == "dt:1970-01-01 00:00:00");
  CHECK(one({ColumnType::Date, {}}, "0F D0 0F", {}, epoch) == "date:1970-01-01");
  DecoderOptions fail;
  fail.zero_dates = ZeroDatePolicy::Error;
  CHECK_THROWS_WITH(one(dt, "80 00 00 00 00", {}, fail), Catch::Contains("shop.t.#0"));
}

TEST_CASE("integers follow the SIGNEDNESS metadata, numeric columns only", "[mysql][binlog]") {
  EventDecoder d;
  // Columns: TINY, VARCHAR(10), LONGLONG, YEAR, SHORT; numeric order TINY, LONGLONG, YEAR,
  // SHORT. Bitmap MSB-first: TINY unsigned, LONGLONG signed, YEAR -, SHORT unsigned = 1001.
  const std::vector<Col> cols = {{ColumnType::Tiny, {}},
                                 {ColumnType::VarChar, {10, 0}},
                                 {ColumnType::LongLong, {}},
                                 {ColumnType::Year, {}},
                                 {ColumnType::Short, {}}};
  const Bytes row = hex("00 FF 02 6869 FEFFFFFFFFFFFFFF 00 FFFF");
  const Decoded r = decode(d, cols, field(1, {0x90}), row);
  CHECK(r.after[0] == std::vector<std::string>{"u:255", "s:hi", "i:-2", "i:0", "u:65535"});
}

TEST_CASE("CHAR over 255 bytes uses the STRING metadata trick and a 2-byte length",
          "[mysql][binlog]") {
  // CHAR(100) utf8mb4: max 400 bytes → meta EE 90, real type STRING.
  const Bytes charset = field(2, {45});  // DEFAULT_CHARSET utf8mb4_general_ci
  CHECK(one({ColumnType::String, {0xEE, 0x90}}, "0300 616263", charset) == "s:abc");
  // CHAR(10) latin1: meta FE 0A, 1-byte length; latin1 0xE9 0x80 becomes é€.
  CHECK(one({ColumnType::String, {0xFE, 0x0A}}, "02 E980", field(2, {8})) ==
        "s:\xc3\xa9\xe2\x82\xac");
  // BINARY(4) (collation 63) is re-padded with zero bytes.
  CHECK(one({ColumnType::String, {0xFE, 0x04}}, "02 0102", field(2, {63})) == "b:01020000");
  DecoderOptions no_pad;
  no_pad.pad_binary = false;
  CHECK(one({ColumnType::String, {0xFE, 0x04}}, "02 0102", field(2, {63}), no_pad) == "b:0102");
  // VARCHAR(300) bytes: 2-byte length.
  CHECK(one({ColumnType::VarChar, {0x2C, 0x01}}, "0200 6869", field(2, {45})) == "s:hi");
}

TEST_CASE("an unconvertible charset is an error naming the column and charset id",
          "[mysql][binlog]") {
  // gbk_chinese_ci is collation 28.
  CHECK_THROWS_WITH(one({ColumnType::VarChar, {10, 0}}, "02 B0A1", field(2, {28})),
                    Catch::Contains("shop.t.#0") && Catch::Contains("charset id 28"));
  // Pure ASCII needs no conversion: it passes.
  CHECK(one({ColumnType::VarChar, {10, 0}}, "02 6162", field(2, {8})) == "s:ab");
  // utf16 (collation 54) converts.
  CHECK(one({ColumnType::VarChar, {10, 0}}, "04 00680069", field(2, {54})) == "s:hi");
}

TEST_CASE("BLOB and TEXT use 1 to 4 length bytes; TEXT has a non-binary charset",
          "[mysql][binlog]") {
  CHECK(one({ColumnType::Blob, {1}}, "02 0102", field(3, {63})) == "b:0102");
  CHECK(one({ColumnType::Blob, {2}}, "0200 6869", field(3, hex("fcff00"))) == "s:hi");
  CHECK(one({ColumnType::Blob, {3}}, "020000 6869", field(3, {33})) == "s:hi");
  CHECK(one({ColumnType::Blob, {4}}, "02000000 6869", field(3, {46})) == "s:hi");
  // No charset metadata: a BLOB stays bytes.
  CHECK(one({ColumnType::Blob, {2}}, "0200 6869") == "b:6869");
}

TEST_CASE("ENUM and SET use labels from metadata, numbers without", "[mysql][binlog]") {
  const Col e{ColumnType::String, {0xF7, 0x01}};
  const Col s{ColumnType::String, {0xF8, 0x01}};
  CHECK(one(e, "02") == "u:2");
  CHECK(one(s, "05") == "u:5");
  // ENUM_STR_VALUE: one ENUM column with labels "a","bc".
  const Bytes enum_labels = field(6, hex("02 0161 026263"));
  CHECK(one(e, "02", enum_labels) == "s:bc");
  CHECK(one(e, "00", enum_labels) == "s:");
  CHECK_THROWS_AS(one(e, "03", enum_labels), Error);
  const Bytes set_labels = field(5, hex("03 0178 0179 017a"));
  CHECK(one(s, "05", set_labels) == "s:x,z");
  CHECK(one(s, "00", set_labels) == "s:");
  // ENUM with 300 labels takes 2 bytes.
  CHECK(one({ColumnType::String, {0xF7, 0x02}}, "2C01") == "u:300");
}

TEST_CASE("BIT, FLOAT, DOUBLE, JSON, GEOMETRY and VECTOR values", "[mysql][binlog]") {
  CHECK(one({ColumnType::Bit, {5, 0}}, "15") == "u:21");
  CHECK(one({ColumnType::Bit, {2, 1}}, "02 AB") == "u:683");  // BIT(10)
  CHECK(one({ColumnType::Float, {4}}, "0000C03F") == "f:1.5");
  CHECK(one({ColumnType::Double, {8}}, "000000000000D0BF") == "f:-0.25");
  CHECK(one({ColumnType::Json, {4}}, "02000000 0400") == "json:null");
  CHECK(one({ColumnType::Json, {4}}, "00000000") == "json:null");
  CHECK(one({ColumnType::Geometry, {4}},
            "19000000 00000000 01 01000000 000000000000f03f 00000000000000c0") == "s:POINT(1 -2)");
  CHECK(one({ColumnType::Vector, {4}}, "04000000 0000803F") == "b:0000803f");
}

TEST_CASE("a TABLE_MAP's optional metadata is fully parsed", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false));
  // id INT, name VARCHAR(40), color ENUM, tags SET, loc POINT, body TEXT, hidden INT.
  const std::vector<Col> cols = {{ColumnType::Long, {}},          {ColumnType::VarChar, {160, 0}},
                                 {ColumnType::String, {0xF7, 1}}, {ColumnType::String, {0xF8, 1}},
                                 {ColumnType::Geometry, {4}},     {ColumnType::Blob, {2}},
                                 {ColumnType::Long, {}}};
  Writer names;
  for (const char* n : {"id", "name", "color", "tags", "loc", "body", "hidden"}) {
    names.lenenc(std::string_view(n).size()).str(n);
  }
  Bytes opt = field(1, {0x80});  // id unsigned, hidden signed
  auto add = [&](const Bytes& f) { opt.insert(opt.end(), f.begin(), f.end()); };
  add(field(2, hex("fcff00 01 3f")));  // default 255, body (char col 1) binary
  add(field(4, names.b));
  add(field(6, hex("02 0372656403 626c75")));  // "red","blu" (3 bytes each)
  add(field(5, hex("01 0161")));
  add(field(7, {1}));                 // POINT
  add(field(9, hex("00 00 01 0a")));  // PK (id, name(10))
  add(field(10, {8}));                // ENUM/SET default latin1
  add(field(12, {0xFC}));             // hidden column invisible
  add(field(99, hex("010203")));      // unknown: skipped
  const TableMap* t = d.decode(table_map(cols, opt)).as<TableMapEvent>()->table;
  REQUIRE(t != nullptr);
  CHECK(t->table_id == kTableId);
  CHECK(t->id().str() == "shop.t");
  CHECK(t->columns[0].is_unsigned);
  CHECK_FALSE(t->columns[6].is_unsigned);
  CHECK(t->columns[1].collation == 255);
  CHECK(t->columns[1].charset == Charset::Utf8mb4);
  CHECK(t->columns[5].charset == Charset::Binary);
  CHECK(column_sql_type(t->columns[1]) == "varchar(40)");
  CHECK(column_sql_type(t->columns[5]) == "blob");
  CHECK(t->columns[2].collation == 8);
  CHECK(t->columns[2].labels == std::vector<std::string>{"red", "blu"});
  CHECK(t->columns[3].labels == std::vector<std::string>{"a"});
  CHECK(t->columns[4].geometry_type == 1);
  CHECK(column_sql_type(t->columns[4]) == "point");
  CHECK(t->columns[6].name == "hidden");
  CHECK_FALSE(t->columns[6].visible);
  CHECK(t->columns[5].visible);
  CHECK(t->primary_key == std::vector<uint16_t>{0, 1});
  CHECK(t->primary_key_prefix == std::vector<uint32_t>{0, 10});
  CHECK(t->present.names);
  CHECK(t->present.visibility);
  // The same bytes again: the cached map is reused.
  const auto again_bytes = table_map(cols, opt);
  const DecodedEvent again = d.decode(again_bytes);
  CHECK_FALSE(again.as<TableMapEvent>()->changed);
  CHECK(again.as<TableMapEvent>()->table == t);
}

TEST_CASE("UPDATE rows carry before and after images; NULLs count present columns only",
          "[mysql][binlog]") {
  EventDecoder d;
  const std::vector<Col> cols = {{ColumnType::Long, {}}, {ColumnType::Tiny, {}}};
  // Row 1: (1, NULL) → (1, 5); row 2: (2, 3) → (NULL, 3).
  const Bytes rows = hex("02 01000000  00 01000000 05  00 02000000 03  01 03");
  const Decoded r = decode(d, cols, {}, rows, EventType::UpdateRows);
  REQUIRE(r.after.size() == 2);
  CHECK(r.before[0] == std::vector<std::string>{"i:1", "null"});
  CHECK(r.after[0] == std::vector<std::string>{"i:1", "i:5"});
  CHECK(r.before[1] == std::vector<std::string>{"i:2", "i:3"});
  CHECK(r.after[1] == std::vector<std::string>{"null", "i:3"});
}

TEST_CASE("rows v2 extra data with partition info is read", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false));
  d.decode(table_map({{ColumnType::Tiny, {}}}));
  // The event's bytes must outlive the decoded views (RowReader reads them).
  const auto bytes = rows_event(EventType::WriteRows, 1, hex("00 07"), false, hex("01 0300"));
  const DecodedEvent ev = d.decode(bytes);
  const RowsEvent* r = ev.as<RowsEvent>();
  REQUIRE(r != nullptr);
  CHECK(r->partition_id == uint16_t{3});
  RowReader reader = d.rows(*r);
  RowChange row;
  REQUIRE(reader.next(row));
  CHECK(test::show(row.after.values[0]) == "i:7");
  CHECK_FALSE(reader.next(row));
}

TEST_CASE("PARTIAL_UPDATE_ROWS applies JSON diffs to the before document", "[mysql][binlog]") {
  EventDecoder d;
  const std::vector<Col> cols = {{ColumnType::Long, {}}, {ColumnType::Json, {4}}};
  // before (1, {"a":1}); after: value_options 1, partial bitmap 1, (1, diff REPLACE $.a = 2).
  const Bytes rows =
      hex("00 01000000 0d000000 00 0100 0c00 0b00 0100 05 0100 61"
          "01 01 00 01000000 09000000 00 03 242e61 03 050200");
  const Decoded r = decode(d, cols, {}, rows, EventType::PartialUpdateRows);
  REQUIRE(r.after.size() == 1);
  CHECK(r.before[0][1] == "json:{\"a\":1}");
  CHECK(r.after[0][1] == "json:{\"a\":2}");
}

TEST_CASE("rows data that no image consumes is a data error, not an endless loop",
          "[mysql][binlog]") {
  // Found by tests/fuzz/binlog_event_fuzz: with no column present, a row takes no bytes, so the
  // reader never reached the end of the data and returned the same empty row forever.
  EventDecoder d;
  d.decode(test::format_description(false));
  d.decode(table_map({{ColumnType::Tiny, {}}}));
  Writer w;
  w.u48(kTableId).u16(1).u16(2).lenenc(1).u8(0x00).raw(hex("07"));
  const auto ev_bytes = test::event(EventType::WriteRows, w.b);
  const DecodedEvent ev = d.decode(ev_bytes);
  RowReader reader = d.rows(*ev.as<RowsEvent>());
  RowChange row;
  auto drain = [&] {
    for (int i = 0; i < 10 && reader.next(row); ++i) {
    }
  };
  CHECK_THROWS_AS(drain(), Error);
  // Without rows data the same event is simply empty.
  Writer empty;
  empty.u48(kTableId).u16(1).u16(2).lenenc(1).u8(0x00);
  const auto none_bytes = test::event(EventType::WriteRows, empty.b);
  const DecodedEvent none = d.decode(none_bytes);
  RowReader none_reader = d.rows(*none.as<RowsEvent>());
  CHECK_FALSE(none_reader.next(row));
}

TEST_CASE("a malformed TABLE_MAP leaves no table behind", "[mysql][binlog]") {
  // The cache used to keep an empty entry for the id, which set_column_collations dereferenced.
  EventDecoder d;
  d.decode(test::format_description(false));
  Bytes bad = table_map({{ColumnType::Tiny, {}}});
  bad.resize(bad.size() - 3);  // cut inside the column types
  bad[9] = static_cast<uint8_t>(bad.size());
  CHECK_THROWS_AS(d.decode(bad), Error);
  CHECK(d.table_count() == 0);
  const uint32_t collations[] = {63};
  d.set_column_collations(kTableId, collations);
  CHECK(d.table(kTableId) == nullptr);
}

TEST_CASE("a rows event without its TABLE_MAP is a data error", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false));
  CHECK_THROWS_WITH(d.decode(rows_event(EventType::WriteRows, 1, hex("00 07"))),
                    Catch::Contains("WRITE_ROWS_EVENT") && Catch::Contains("table id"));
}

TEST_CASE("ten-column rows decode well over a million a second", "[mysql][binlog][.slow]") {
  EventDecoder d;
  const std::vector<Col> cols = {{ColumnType::Long, {}},
                                 {ColumnType::LongLong, {}},
                                 {ColumnType::VarChar, {40, 0}},
                                 {ColumnType::VarChar, {200, 0}},
                                 {ColumnType::NewDecimal, {10, 2}},
                                 {ColumnType::DateTime2, {0}},
                                 {ColumnType::Tiny, {}},
                                 {ColumnType::Double, {8}},
                                 {ColumnType::Timestamp2, {3}},
                                 {ColumnType::Blob, {2}}};
  const Bytes one_row =
      hex("0000 01000000 0200000000000000 05 68656c6c6f 0b 68656c6c6f20776f726c64 800004d20c"
          "99B2443105 01 000000000000f83f 65937D25 0000 0400 74657874");
  Bytes rows;
  constexpr int kRows = 1000;
  for (int i = 0; i < kRows; ++i) {
    rows.insert(rows.end(), one_row.begin(), one_row.end());
  }
  d.decode(test::format_description(false));
  d.decode(table_map(cols, field(2, {45})));
  const Bytes ev = rows_event(EventType::WriteRows, cols.size(), rows);
  const auto start = std::chrono::steady_clock::now();
  uint64_t decoded = 0;
  for (int rep = 0; rep < 200; ++rep) {
    const DecodedEvent e = d.decode(ev);
    RowReader reader = d.rows(*e.as<RowsEvent>());
    RowChange row;
    while (reader.next(row)) {
      ++decoded;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("decoded " << decoded << " ten-column rows in " << secs << " s: "
                  << static_cast<uint64_t>(static_cast<double>(decoded) / secs) << " rows/s");
  CHECK(decoded == 200U * kRows);
}

}  // namespace
}  // namespace starcdc::mysql::binlog
