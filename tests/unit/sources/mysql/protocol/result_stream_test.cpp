#include "sources/mysql/protocol/result_stream.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "tests/unit/sources/mysql/protocol/hex.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::unhex;
using Step = ResultStream::Step;

Bytes column_definition(std::string_view name, uint8_t type) {
  Bytes out;
  WireWriter w(out);
  w.lenenc_string("def");
  w.lenenc_string("db");
  w.lenenc_string("t");
  w.lenenc_string("t");
  w.lenenc_string(name);
  w.lenenc_string(name);
  w.lenenc(0x0C);
  w.u16(45);
  w.u32(256);
  w.u8(type);
  w.u16(0);
  w.u8(0);
  w.u16(0);
  return out;
}

Bytes text_row(std::initializer_list<std::optional<std::string>> fields) {
  Bytes out;
  WireWriter w(out);
  for (const auto& f : fields) {
    if (f) {
      w.lenenc_string(*f);
    } else {
      w.u8(0xFB);
    }
  }
  return out;
}

const Bytes kEof = unhex("fe 0000 0200");

}  // namespace

TEST_CASE("a streamed result set gives columns, then one row per packet, then its end",
          "[mysql][protocol]") {
  ResultStream s;
  CHECK(s.feed(unhex("02")) == Step::More);
  CHECK(s.feed(column_definition("id", 3)) == Step::More);
  CHECK(s.feed(column_definition("name", 253)) == Step::More);
  CHECK_FALSE(s.finished());
  CHECK(s.feed(kEof) == Step::Ready);
  REQUIRE(s.columns().size() == 2);
  CHECK(s.columns()[1].name == "name");

  // Each row's views point into its own packet; the row vector is reused.
  const Bytes r1 = text_row({"1", "alpha"});
  CHECK(s.feed(r1) == Step::NextRow);
  REQUIRE(s.row().size() == 2);
  CHECK(s.row()[0] == std::optional<std::string_view>("1"));
  CHECK(s.row()[1] == std::optional<std::string_view>("alpha"));
  const Bytes r2 = text_row({"2", std::nullopt});
  CHECK(s.feed(r2) == Step::NextRow);
  CHECK(s.row()[0] == std::optional<std::string_view>("2"));
  CHECK_FALSE(s.row()[1].has_value());
  // A row whose first field is 251+ bytes long starts with 0xFC: not an EOF.
  const Bytes r3 = text_row({std::string(300, 'x'), ""});
  CHECK(s.feed(r3) == Step::NextRow);
  CHECK(s.row()[0]->size() == 300);
  CHECK(s.row()[1] == std::optional<std::string_view>(""));
  CHECK(s.rows() == 3);
  CHECK(s.feed(kEof) == Step::End);
  CHECK(s.finished());
  CHECK_THROWS_AS(s.feed(r1), Error);
}

TEST_CASE("a streamed statement without rows ends at its OK, an error at its ERR",
          "[mysql][protocol]") {
  ResultStream ok;
  CHECK(ok.feed(unhex("00 03 00 0200 0000")) == Step::Ok);
  CHECK(ok.ok().affected_rows == 3);
  CHECK(ok.finished());

  ResultStream err;
  const Bytes e = unhex("ff 7a04 2334325330320000");
  CHECK(err.feed(e) == Step::Err);
  CHECK(err.finished());
  CHECK(parse_err(err.error_payload()).code == 0x047a);

  // The server may fail after some rows (a killed query, a lock wait timeout).
  ResultStream mid;
  mid.feed(unhex("01"));
  mid.feed(column_definition("id", 3));
  CHECK(mid.feed(kEof) == Step::Ready);
  CHECK(mid.feed(text_row({"1"})) == Step::NextRow);
  CHECK(mid.feed(e) == Step::Err);
  CHECK(mid.finished());
}

TEST_CASE("a streamed result set refuses LOCAL INFILE and malformed packets", "[mysql][protocol]") {
  ResultStream infile;
  CHECK_THROWS_AS(infile.feed(unhex("fb 2f746d702f78")), Error);
  ResultStream no_eof;
  no_eof.feed(unhex("01"));
  no_eof.feed(column_definition("id", 3));
  CHECK_THROWS_AS(no_eof.feed(text_row({"1"})), Error);
  ResultStream short_row;
  short_row.feed(unhex("02"));
  short_row.feed(column_definition("a", 3));
  short_row.feed(column_definition("b", 3));
  short_row.feed(kEof);
  CHECK_THROWS_AS(short_row.feed(text_row({"1"})), Error);
}

}  // namespace starcdc::mysql::protocol
