#include <catch2/catch.hpp>
#include <string>

#include "render.hpp"
#include "sources/kafka/formats/message.hpp"
#include "sources/kafka/formats/value_text.hpp"

namespace starcdc::kafka {
namespace {

std::string decode_text(MessageDecoder& d, std::string value, std::string key = "",
                        std::string topic = "t") {
  auto r = d.decode(topic, key, value);
  if (!r.ok()) {
    return std::string("error: ") + r.error().what();
  }
  return render(*r.value());
}

TEST_CASE("Format names parse both ways", "[kafka][formats]") {
  for (const char* n : {"debezium-json", "canal-json", "maxwell-json", "json"}) {
    REQUIRE(format_from(n));
    CHECK(std::string(format_name(*format_from(n))) == n);
  }
  CHECK(!format_from("avro"));
}

TEST_CASE("Date and time text parses into the value model's units", "[kafka][formats]") {
  int64_t x = 0;
  uint8_t scale = 0;
  REQUIRE(parse_date("1970-01-02", x) == TemporalParse::Ok);
  CHECK(x == 1);
  REQUIRE(parse_date("1969-12-31", x) == TemporalParse::Ok);
  CHECK(x == -1);
  CHECK(parse_date("0000-00-00", x) == TemporalParse::Zero);
  CHECK(parse_date("2024-00-10", x) == TemporalParse::Zero);
  CHECK(parse_date("2023-02-29", x) == TemporalParse::Bad);
  CHECK(parse_date("2024-1-01", x) == TemporalParse::Bad);
  REQUIRE(parse_datetime("1970-01-01 00:00:01.5", x, scale) == TemporalParse::Ok);
  CHECK(x == 1'500'000);
  CHECK(scale == 1);
  REQUIRE(parse_datetime("1970-01-01T02:00:00+02:00", x, scale) == TemporalParse::Ok);
  CHECK(x == 0);
  REQUIRE(parse_datetime("1970-01-01T00:00:00.123456789Z", x, scale) == TemporalParse::Ok);
  CHECK(x == 123'456);
  CHECK(scale == 6);
  CHECK(parse_datetime("1970-01-01 24:00:00", x, scale) == TemporalParse::Bad);
  CHECK(parse_datetime("1970-01-01 00:00:00.", x, scale) == TemporalParse::Bad);
  REQUIRE(parse_time("-838:59:59.000001", x, scale));
  CHECK(x == -((838LL * 3600 + 59 * 60 + 59) * 1'000'000 + 1));
  CHECK(!parse_time("12:60:00", x, scale));
}

TEST_CASE("Connect decimals turn into exact text", "[kafka][formats]") {
  std::string out;
  unscaled_to_decimal(std::string_view("\x04\xe2", 2), 2, out);
  CHECK(out == "12.50");
  unscaled_to_decimal(std::string_view("\xff", 1), 3, out);
  CHECK(out == "-0.001");
  unscaled_to_decimal(std::string_view("", 0), 2, out);
  CHECK(out == "0.00");
  unscaled_to_decimal(std::string_view("\x01", 1), -2, out);
  CHECK(out == "100");
  // 2^160 - 1 (21 bytes with the sign byte) takes the long path.
  const std::string big = std::string(1, '\0') + std::string(20, '\xff');
  unscaled_to_decimal(big, 10, out);
  CHECK(out == "146150163733090291820368483271628301965.5932542975");
  const std::string minus_big = std::string(1, '\xff') + std::string(19, '\0') + "\x01";
  unscaled_to_decimal(minus_big, 0, out);
  CHECK(out == "-1461501637330902918203684832716283019655932542975");
}

TEST_CASE("Base64 decodes with and without padding and rejects other text", "[kafka][formats]") {
  char out[16];
  size_t n = 0;
  REQUIRE(base64_decode("AP8Q", out, n));
  CHECK(std::string(out, n) == std::string("\x00\xff\x10", 3));
  REQUIRE(base64_decode("QQ==", out, n));
  CHECK(std::string(out, n) == "A");
  REQUIRE(base64_decode("QQ", out, n));
  CHECK(n == 1);
  CHECK(!base64_decode("Q", out, n));
  CHECK(!base64_decode("QQ!=", out, n));
}

TEST_CASE("Numbers keep their kind: int64, uint64, double, exact decimal text",
          "[kafka][formats]") {
  Value v;
  REQUIRE(parse_number("-9223372036854775808", v));
  CHECK(v.kind == ValueKind::Int);
  REQUIRE(parse_number("18446744073709551615", v));
  CHECK(v.kind == ValueKind::UInt);
  CHECK(!parse_number("18446744073709551616x", v));
  REQUIRE(parse_number("1e3", v));
  CHECK(v.kind == ValueKind::Double);
  CHECK(!parse_number("1e999", v));
  CHECK(is_decimal_text("-12.50"));
  CHECK(is_decimal_text("1E-10"));
  CHECK(!is_decimal_text("12,50"));
  CHECK(!is_decimal_text("."));
  CHECK(classify_mysql_type("DECIMAL(12,2)").cls == TypeClass::Decimal);
  CHECK(classify_mysql_type("datetime(3)").scale == 3);
  CHECK(classify_mysql_type("bigint(20) unsigned").cls == TypeClass::Int);
  CHECK(classify_mysql_type("geometry").cls == TypeClass::Bytes);
  CHECK(classify_mysql_type("whatever").cls == TypeClass::Any);
}

TEST_CASE("Columns without a declared type get one from their first value", "[kafka][formats]") {
  CHECK(infer_column("a", Value::int64(1)).type == "bigint");
  CHECK(infer_column("a", Value::uint64(1)).type == "bigint unsigned");
  CHECK(infer_column("a", Value::float64(1.5)).type == "double");
  CHECK(infer_column("a", Value::string("x")).type == "varchar(65533)");
  CHECK(infer_column("a", Value::boolean(true)).type == "boolean");
  CHECK(infer_column("a", Value::view(ValueKind::Json, "{}")).type == "json");
  CHECK(infer_column("a", Value::decimal("-1.250")).type == "decimal(38,3)");
  CHECK(infer_column("a", Value::temporal(ValueKind::DateTime, 0, 3)).type == "datetime(3)");
  CHECK(infer_column("a", Value::null()).type == "varchar(65533)");
  CHECK(infer_column("a", Value::int64(1)).name == "a");
}

TEST_CASE("Debezium: a changed schema is read again, an unchanged one reused",
          "[kafka][formats][debezium]") {
  auto d = make_decoder(Format::DebeziumJson, {});
  const std::string one =
      R"({"schema":{"type":"struct","fields":[{"type":"struct","optional":true,"field":"after",)"
      R"("fields":[{"type":"int32","optional":false,"field":"id"}]}]},"payload":{"before":null,)"
      R"("after":{"id":1},"source":{"db":"s","table":"t","ts_ms":5},"op":"c"}})";
  std::string two = one;
  two.replace(two.find(R"({"type":"int32","optional":false,"field":"id"})"), 0,
              R"({"type":"string","optional":true,"field":"name"},)");
  two.replace(two.find(R"("after":{"id":1})"), 16, R"("after":{"name":"x","id":2})");
  for (int round = 0; round < 2; ++round) {
    CHECK(decode_text(*d, one) ==
          "kind rows\ntable s.t\ncommit_ms 5\ndeclared id int not null\nrow insert\n"
          "  after id = Int 1\n");
    CHECK(decode_text(*d, two) ==
          "kind rows\ntable s.t\ncommit_ms 5\ndeclared name varchar(65533)\n"
          "declared id int not null\nrow insert\n  after name = String \"x\"\n"
          "  after id = Int 2\n");
  }
  // The same schema text after a payload with other members first.
  std::string payload_first = R"({"payload":{"op":"c","after":{"id":3},"before":null,)"
                              R"("source":{"db":"s","table":"t"}},"schema":)" +
                              one.substr(10, one.find(",\"payload\"") - 10) + "}";
  CHECK(decode_text(*d, payload_first).find("after id = Int 3") != std::string::npos);
}

TEST_CASE("Debezium: require_schema refuses bare envelopes", "[kafka][formats][debezium]") {
  DecoderOptions o;
  o.require_schema = true;
  auto d = make_decoder(Format::DebeziumJson, o);
  CHECK(decode_text(*d, R"({"after":{"id":1},"source":{"db":"s","table":"t"},"op":"c"})")
            .starts_with("error: debezium-json: $: no {\"schema\", \"payload\"} wrapper"));
}

TEST_CASE("Debezium: views of one message survive until the next decode",
          "[kafka][formats][debezium]") {
  auto d = make_decoder(Format::DebeziumJson, {});
  std::string value = R"({"after":{"name":"a\u00e9b"},"source":{"db":"s","table":"t"},"op":"r"})";
  auto r = d->decode("t", "", value);
  REQUIRE(r.ok());
  value.assign(value.size(), 'x');  // the caller's buffer is not what the views point into
  const DecodedMessage& m = *r.value();
  REQUIRE(m.rows.size() == 1);
  CHECK(m.rows[0].op == Op::Read);
  CHECK(m.rows[0].after[0].value.text() ==
        "a\xc3\xa9"
        "b");
}

TEST_CASE("Maxwell: a table's def types the rows that follow it", "[kafka][formats][maxwell]") {
  auto d = make_decoder(Format::MaxwellJson, {});
  const std::string create =
      R"({"type":"table-create","database":"test","table":"e","ts":1477053126000,)"
      R"j("sql":"create table e (...)","def":{"database":"test","table":"e","columns":[)j"
      R"({"type":"int","name":"id","signed":true},{"type":"timestamp","name":"c",)"
      R"("column-length":3},{"type":"decimal","name":"d"},{"type":"blob","name":"b"}],)"
      R"("primary-key":["id"]}})";
  CHECK(decode_text(*d, create) ==
        "kind ddl\ntable test.e\ncommit_ms 1477053126000\nddl create table e (...)\n"
        "declared id int\ndeclared c timestamp(3)\ndeclared d decimal(65,30)\ndeclared b blob\n"
        "primary_key id\n");
  const std::string insert =
      R"({"type":"insert","database":"test","table":"e","ts":1477053217,)"
      R"("data":{"id":1,"c":"2016-10-21 05:33:37.523","d":1.10,"b":"AAE="}})";
  CHECK(decode_text(*d, insert) ==
        "kind rows\ntable test.e\ncommit_ms 1477053217000\ndeclared id int\n"
        "declared c timestamp(3)\ndeclared d decimal(65,30)\ndeclared b blob\nprimary_key id\n"
        "row insert\n  after id = Int 1\n  after c = Timestamp 2016-10-21 05:33:37.523\n"
        "  after d = Decimal \"1.10\"\n  after b = Bytes 0001\n");
  CHECK(
      decode_text(
          *d, R"({"type":"table-drop","database":"test","table":"e","ts":1,"sql":"drop table e"})")
          .starts_with("kind ddl"));
  CHECK(decode_text(*d, insert).find("after c = String") != std::string::npos);
}

TEST_CASE("Canal: a key column changed in an update becomes delete + insert",
          "[kafka][formats][canal]") {
  auto d = make_decoder(Format::CanalJson, {});
  const std::string v =
      R"({"data":[{"id":"2","v":"x"},{"id":"5","v":"y"}],"old":[{"id":"1"},{"v":"z"}],)"
      R"("database":"s","table":"t","pkNames":["id"],"isDdl":false,"type":"UPDATE","es":7,)"
      R"j("mysqlType":{"id":"int","v":"varchar(8)"}})j";
  CHECK(decode_text(*d, v) ==
        "kind rows\ntable s.t\ncommit_ms 7\ndeclared id int\ndeclared v varchar(8)\n"
        "primary_key id\nrow delete\n  before id = Int 1\n  before v = String \"x\"\n"
        "row insert\n  after id = Int 2\n  after v = String \"x\"\nrow update\n"
        "  before id = Int 5\n  before v = String \"z\"\n  after id = Int 5\n"
        "  after v = String \"y\"\n");
}

TEST_CASE("A decoder reused after an error decodes the next message", "[kafka][formats]") {
  for (const Format f :
       {Format::DebeziumJson, Format::CanalJson, Format::MaxwellJson, Format::Json}) {
    auto d = make_decoder(f, {});
    CHECK(decode_text(*d, "{\"x\":").starts_with("error: "));
    CHECK(decode_text(*d, "").starts_with("kind skip"));
  }
}

}  // namespace
}  // namespace starcdc::kafka
