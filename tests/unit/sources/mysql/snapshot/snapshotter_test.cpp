// The snapshot/binlog merge rule without a server: which binlog row changes go out while and
// after a table is copied, given the copied chunks and their snapshot points.
#include "sources/mysql/snapshot/snapshotter.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pipeline/schema_registry.hpp"

namespace starcdc::mysql::snapshot {
namespace {

const TableId kTable{"app", "t"};

TableCopy copy_of_t() {
  TableCopy t;
  t.id = kTable;
  t.map.database = "app";
  t.map.table = "t";
  t.map.columns.push_back(column_from_information_schema("id", "bigint(20)"));
  t.select = {"`id`"};
  t.key = {KeyColumn{"id", "bigint(20)", false}};
  t.key_index = {0};
  t.order = KeyOrder({KeyPart{t.map.columns[0], "", ""}});
  t.shape = "id bigint(20) not null;";
  return t;
}

// A snapshotter that never connects (these tests only ask it questions).
std::shared_ptr<Snapshotter> offline(asio::io_context& io) {
  return std::make_shared<Snapshotter>(
      io, SnapshotOptions{},
      []() -> asio::awaitable<std::unique_ptr<protocol::Connection>> { co_return nullptr; },
      nullptr);
}

// app.t copied in two chunks, [-, 100) at bin.000002:500 and [100, 200) at bin.000002:900; the
// chunk from 200 is still to read.
std::shared_ptr<Snapshotter> copying(asio::io_context& io) {
  SnapshotState st;
  TableProgress& p = st.tables[kTable];
  p.state = CopyState::Copying;
  p.chunks = 2;
  p.next = KeyTuple{"200"};
  p.pending.push_back(PendingChunk{KeyTuple{"100"}, LogPoint{"bin.000002", 500}});
  p.pending.push_back(PendingChunk{KeyTuple{"200"}, LogPoint{"bin.000002", 900}});
  p.shape = "id bigint(20) not null;";
  auto s = offline(io);
  s->restore(std::move(st));
  s->add(copy_of_t());
  return s;
}

Verdict at(Snapshotter& s, int64_t key, const char* file, uint64_t offset) {
  const std::vector<Value> k{Value::int64(key)};
  return s.classify(kTable, k, LogPoint{file, offset});
}

}  // namespace

TEST_CASE("a row change goes out only when the copy does not hold it", "[snapshot][merge]") {
  asio::io_context io;
  auto s = copying(io);
  REQUIRE(s->deciding());
  // Before the first chunk's point: every copied chunk already holds the change.
  CHECK(at(*s, 50, "bin.000002", 400) == Verdict::Drop);
  CHECK(at(*s, 150, "bin.000002", 400) == Verdict::Drop);
  // At the first chunk's point: its keys take the change, the others still hold it.
  CHECK(at(*s, 50, "bin.000002", 500) == Verdict::Emit);
  CHECK(at(*s, 150, "bin.000002", 600) == Verdict::Drop);
  CHECK(at(*s, 250, "bin.000002", 600) == Verdict::Drop);  // to be copied
  // Past both points (next file): both copied chunks take changes; the rest is still to copy.
  CHECK(at(*s, 150, "bin.000003", 4) == Verdict::Emit);
  CHECK(at(*s, 199, "bin.000003", 4) == Verdict::Emit);
  CHECK(at(*s, 200, "bin.000003", 4) == Verdict::Drop);
  // Another table is not the snapshot's business.
  const std::vector<Value> k{Value::int64(1)};
  CHECK(s->classify(TableId{"app", "other"}, k, LogPoint{"bin.000001", 4}) == Verdict::Emit);
  // The checkpoint keeps what was passed, not the pending list.
  const SnapshotState st = SnapshotState::from_json(s->state_json(LogPoint{"bin.000003", 4}));
  const TableProgress& p = st.tables.at(kTable);
  CHECK(p.passed == KeyTuple{"200"});
  CHECK(p.pending.empty());
  CHECK(p.state == CopyState::Copying);
}

TEST_CASE("a restart keeps the pending chunks the reader had not passed", "[snapshot][merge]") {
  asio::io_context io;
  auto s = copying(io);
  const SnapshotState st = SnapshotState::from_json(s->state_json(LogPoint{"bin.000002", 700}));
  const TableProgress& p = st.tables.at(kTable);
  CHECK(p.passed == KeyTuple{"100"});
  REQUIRE(p.pending.size() == 1);
  CHECK(p.pending[0].at.str() == "bin.000002:900");
  auto again = offline(io);
  again->restore(st);
  again->add(copy_of_t());
  CHECK(at(*again, 99, "bin.000002", 700) == Verdict::Emit);
  CHECK(at(*again, 100, "bin.000002", 700) == Verdict::Drop);
  CHECK(at(*again, 100, "bin.000002", 900) == Verdict::Emit);
}

TEST_CASE("a copied table whose columns changed is copied again", "[snapshot][merge]") {
  asio::io_context io;
  auto s = copying(io);
  SnapshotState st = SnapshotState::from_json(s->state_json(LogPoint{"bin.000003", 4}));
  auto again = offline(io);
  again->restore(st);
  TableCopy changed = copy_of_t();
  changed.shape += "note varchar(10);";
  again->add(std::move(changed));
  CHECK(at(*again, 50, "bin.000003", 100) == Verdict::Drop);
  const SnapshotState now = SnapshotState::from_json(again->state_json(LogPoint{}));
  CHECK(now.tables.at(kTable).chunks == 0);
}

TEST_CASE("a finished table takes every change once its last point is passed",
          "[snapshot][merge]") {
  asio::io_context io;
  SnapshotState st;
  TableProgress& p = st.tables[kTable];
  p.state = CopyState::Copied;
  p.all_read = true;
  p.chunks = 1;
  p.pending.push_back(PendingChunk{std::nullopt, LogPoint{"bin.000002", 500}});
  auto s = offline(io);
  s->restore(std::move(st));
  s->add(copy_of_t());
  CHECK_FALSE(s->copying());
  CHECK(s->deciding());
  CHECK(at(*s, 5, "bin.000002", 499) == Verdict::Drop);
  CHECK(at(*s, 5, "bin.000002", 500) == Verdict::Emit);
  CHECK_FALSE(s->deciding());
  CHECK(at(*s, 5, "bin.000001", 4) == Verdict::Emit);
}

}  // namespace starcdc::mysql::snapshot
