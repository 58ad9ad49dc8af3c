// Key comparisons of the snapshot/binlog merge, and the checkpointed snapshot progress.
#include "sources/mysql/snapshot/key_order.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sources/mysql/mysql_options.hpp"
#include "sources/mysql/snapshot/snapshot_state.hpp"
#include "sources/mysql/snapshot/text_values.hpp"

namespace starcdc::mysql::snapshot {
namespace {

KeyPart part(const char* type, const char* charset = "", const char* collation = "") {
  return KeyPart{column_from_information_schema("k", type), charset, collation};
}

int cmp(const KeyOrder& o, std::vector<Value> a, std::vector<Value> b) {
  const auto c = o.compare(a, b);
  REQUIRE(c);
  return *c;
}

}  // namespace

TEST_CASE("decimal texts compare by value", "[snapshot][key]") {
  CHECK(compare_decimal_text("1.50", "1.5") == 0);
  CHECK(compare_decimal_text("-0.00", "0") == 0);
  CHECK(compare_decimal_text("-2", "-10") > 0);
  CHECK(compare_decimal_text("10", "9.999") > 0);
  CHECK(compare_decimal_text("0.001", "0.01") < 0);
  CHECK(compare_decimal_text("-1.5", "1") < 0);
  CHECK(compare_decimal_text("007", "7.0") == 0);
}

TEST_CASE("integer, temporal and binary keys compare here", "[snapshot][key]") {
  const KeyOrder ints({part("bigint(20) unsigned")});
  CHECK(ints.local());
  CHECK(cmp(ints, {Value::uint64(18446744073709551615ULL)}, {Value::uint64(1ULL << 63)}) > 0);
  const KeyOrder mixed({part("int(11)"), part("datetime(3)")});
  CHECK(cmp(mixed, {Value::int64(-5), Value::temporal(ValueKind::DateTime, 10, 3)},
            {Value::int64(-5), Value::temporal(ValueKind::DateTime, 9, 3)}) > 0);
  CHECK(cmp(mixed, {Value::int64(-6), Value::temporal(ValueKind::DateTime, 10, 3)},
            {Value::int64(-5), Value::temporal(ValueKind::DateTime, 0, 3)}) < 0);
  const KeyOrder bytes({part("varbinary(8)", "", "binary")});
  CHECK(cmp(bytes, {Value::view(ValueKind::Bytes, std::string_view("a\0", 2))},
            {Value::view(ValueKind::Bytes, "a")}) > 0);
}

TEST_CASE("binary collations pad with spaces unless NO PAD", "[snapshot][key]") {
  const KeyOrder pad({part("varchar(10)", "utf8mb4", "utf8mb4_bin")});
  CHECK(pad.local());
  CHECK(cmp(pad, {Value::string("a ")}, {Value::string("a")}) == 0);
  CHECK(cmp(pad, {Value::string("a\t")}, {Value::string("a")}) < 0);  // tab sorts below space
  CHECK(cmp(pad, {Value::string("ab")}, {Value::string("a")}) > 0);
  CHECK(cmp(pad, {Value::string("\xc3\xa9")}, {Value::string("z")}) > 0);  // code point order
  const KeyOrder nopad({part("varchar(10)", "utf8mb4", "utf8mb4_nopad_bin")});
  CHECK(cmp(nopad, {Value::string("a ")}, {Value::string("a")}) > 0);
}

TEST_CASE("other collations are the server's to compare", "[snapshot][key]") {
  const KeyOrder ci({part("int(11)"), part("varchar(20)", "latin1", "latin1_swedish_ci")});
  CHECK_FALSE(ci.local());
  // A decision before the character part needs no server; equal bytes are equal.
  CHECK(cmp(ci, {Value::int64(1), Value::string("B")}, {Value::int64(2), Value::string("a")}) < 0);
  CHECK(cmp(ci, {Value::int64(2), Value::string("x")}, {Value::int64(2), Value::string("x")}) == 0);
  const std::vector<Value> a{Value::int64(2), Value::string("B")};
  const std::vector<Value> b{Value::int64(2), Value::string("a")};
  CHECK_FALSE(ci.compare(a, b));
  CHECK(ci.sql_less(a, b) ==
        "SELECT (2, CONVERT(_utf8mb4 X'42' USING latin1) COLLATE latin1_swedish_ci) < (2, "
        "CONVERT(_utf8mb4 X'61' USING latin1) COLLATE latin1_swedish_ci)");
}

TEST_CASE("binlog points order across files", "[snapshot][state]") {
  CHECK(compare(LogPoint{"bin.000009", 900}, LogPoint{"bin.000010", 4}) < 0);
  CHECK(compare(LogPoint{"bin.000010", 4}, LogPoint{"bin.000010", 4}) == 0);
  CHECK(compare(LogPoint{"bin.000010", 5}, LogPoint{"bin.000010", 4}) > 0);
  CHECK(compare(LogPoint{"bin.1000000", 4}, LogPoint{"bin.999999", 4}) > 0);
}

TEST_CASE("snapshot progress round-trips through the checkpoint JSON", "[snapshot][state]") {
  SnapshotState st;
  TableProgress& t = st.tables[TableId{"app", "orders"}];
  t.state = CopyState::Copying;
  t.chunks = 7;
  t.rows = 56000;
  t.estimate = 100000;
  t.estimated_chunks = 13;
  t.next = KeyTuple{"700", "x\"y"};
  t.passed_any = true;
  t.passed = KeyTuple{"500", "a"};
  t.pending.push_back(PendingChunk{KeyTuple{"600", "b"}, LogPoint{"bin.000003", 1200}});
  t.pending.push_back(PendingChunk{std::nullopt, LogPoint{"bin.000004", 4}});
  t.shape = "id bigint(20) not null;";
  st.tables[TableId{"app", "events"}].state = CopyState::Streaming;
  const SnapshotState back = SnapshotState::from_json(st.to_json());
  REQUIRE(back.tables.size() == 2);
  const TableProgress& b = back.tables.at(TableId{"app", "orders"});
  CHECK(b.state == CopyState::Copying);
  CHECK(b.chunks == 7);
  CHECK(b.rows == 56000);
  CHECK(b.estimated_chunks == 13);
  CHECK(b.next == t.next);
  CHECK(b.passed_any);
  CHECK(b.passed == t.passed);
  REQUIRE(b.pending.size() == 2);
  CHECK(b.pending[0].high == t.pending[0].high);
  CHECK(b.pending[0].at.str() == "bin.000003:1200");
  CHECK_FALSE(b.pending[1].high);
  CHECK(b.shape == t.shape);
  CHECK(back.tables.at(TableId{"app", "events"}).state == CopyState::Streaming);
  CHECK_THROWS_AS(SnapshotState::from_json("[1]"), Error);
}

TEST_CASE("chunk key columns are configured per table", "[snapshot][config]") {
  std::string err;
  auto m = parse_chunk_key_columns("shop.orders:id; shop.events:ts ;", &err);
  REQUIRE(m);
  CHECK(m->at(TableId{"shop", "orders"}) == "id");
  CHECK(m->at(TableId{"shop", "events"}) == "ts");
  CHECK_FALSE(parse_chunk_key_columns("shop.orders", &err));
  CHECK(err == "'shop.orders' is not db.table:column");
  CHECK_FALSE(parse_chunk_key_columns("orders:id", &err));
}

}  // namespace starcdc::mysql::snapshot
