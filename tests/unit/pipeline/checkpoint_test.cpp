#include <boost/crc.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "pipeline/batcher.hpp"
#include "pipeline/checkpoint/coordinator.hpp"
#include "pipeline/checkpoint/state_store.hpp"
#include "test_support.hpp"

namespace starcdc {
namespace {

// Records every call; at commit it also records what the state file said at that moment, so a
// test can check the commit point came first.
class FakeCommitter : public SinkCommitter {
 public:
  explicit FakeCommitter(const StateStore& store) : store_(store) {}
  std::vector<std::string> calls;
  bool lose_recorded = false;  // recover() reports the recorded transactions lost

  asio::awaitable<void> load(const LoadChunk& chunk) override {
    calls.push_back("load " + chunk.table.str() + " e" + std::to_string(chunk.epoch) + " " +
                    std::to_string(chunk.rows));
    tables_.insert(chunk.table);
    co_return;
  }
  asio::awaitable<std::vector<PreparedTxn>> prepare(uint64_t epoch) override {
    calls.push_back("prepare e" + std::to_string(epoch));
    std::vector<PreparedTxn> out;
    for (const auto& t : tables_) {
      out.push_back(PreparedTxn{t, "l-" + t.table + "-" + std::to_string(epoch), 0, 0});
    }
    tables_.clear();
    co_return out;
  }
  asio::awaitable<void> commit(uint64_t epoch, std::vector<PreparedTxn> txns) override {
    auto rec = store_.load().take();
    calls.push_back("commit e" + std::to_string(epoch) + " n" + std::to_string(txns.size()) +
                    " state:e" + std::to_string(rec ? rec->epoch : 0) +
                    (rec && rec->committed ? "c" : "p"));
    co_return;
  }
  asio::awaitable<void> abort(uint64_t epoch, std::vector<PreparedTxn>) override {
    calls.push_back("abort e" + std::to_string(epoch));
    co_return;
  }
  asio::awaitable<void> apply(SchemaChange c) override {
    calls.push_back(std::string("apply ") + schema_change_name(c.kind) + " " + c.table.str());
    co_return;
  }
  asio::awaitable<bool> recover(const CheckpointRecord* last) override {
    calls.push_back("recover " + (last == nullptr ? std::string("none")
                                                  : "e" + std::to_string(last->epoch) +
                                                        (last->committed ? "c" : "p")));
    co_return !lose_recorded;
  }

 private:
  const StateStore& store_;
  std::set<TableId> tables_;
};

class BytesEncoder : public RowEncoder {
 public:
  void encode(const ChangeEvent& e, ByteBuffer& out) override {
    out.append_int(e.after.values[0].i);
    out.push_back('\n');
  }
};

class TestSink : public Sink {
 public:
  explicit TestSink(SinkCommitter& c) : c_(c) {}
  std::unique_ptr<RowEncoder> make_encoder(const TableSchema&) override {
    return std::make_unique<BytesEncoder>();
  }
  SinkCommitter& committer() override { return c_; }

 private:
  SinkCommitter& c_;
};

LoadChunk chunk(const std::string& table, uint64_t epoch, uint64_t rows) {
  LoadChunk c;
  c.table = TableId{"db", table};
  c.epoch = epoch;
  c.rows = rows;
  c.bytes.append("xxxx");
  return c;
}

Barrier barrier(uint64_t epoch, const std::string& pos, bool final = false) {
  Barrier b;
  b.epoch = epoch;
  b.position = Position::from_json(pos);
  b.final = final;
  return b;
}

CheckpointRecord sample_record() {
  CheckpointRecord r;
  r.pipeline = "orders";
  r.epoch = 41;
  r.position = Position::from_json("{\"file\":\"mysql-bin.000042\",\"pos\":1234}");
  r.prepared.push_back(PreparedTxn{TableId{"shop", "orders"}, "orders-shop_orders-41", 18000, 99});
  r.committed = false;
  r.written_unix_ms = 1764000000000;
  r.tables["shop.orders"] = TableCounters{100, 2000, 40};
  r.schemas[TableId{"shop", "orders"}] =
      SinkSchema{3, {Column{"id", "bigint", false}, Column{"note", "varchar(20)", true}}, {0}};
  return r;
}

}  // namespace

TEST_CASE("state store round-trips a record", "[checkpoint]") {
  test::TempDir dir;
  StateStore store(dir.path(), "orders");
  store.open_exclusive();
  CHECK_FALSE(store.load().take().has_value());
  const CheckpointRecord r = sample_record();
  store.save(r);
  auto loaded = store.load().take();
  REQUIRE(loaded);
  CHECK(loaded->epoch == 41);
  CHECK(loaded->position.json() == r.position.json());
  CHECK_FALSE(loaded->committed);
  REQUIRE(loaded->prepared.size() == 1);
  CHECK(loaded->prepared[0].label == "orders-shop_orders-41");
  CHECK(loaded->prepared[0].rows == 18000);
  CHECK(loaded->tables.at("shop.orders").rows == 100);
  CHECK(loaded->schemas == r.schemas);  // the sink's columns, for the schema stage on restart
  CHECK(StateStore::encode(*loaded) == StateStore::encode(r));
}

TEST_CASE("state store refuses corrupt, truncated, newer and foreign files", "[checkpoint]") {
  test::TempDir dir;
  StateStore store(dir.path(), "orders");
  const std::string good = StateStore::encode(sample_record());

  auto write = [&](const std::string& bytes) {
    std::ofstream(store.path(), std::ios::binary | std::ios::trunc) << bytes;
  };
  auto message = [&]() {
    auto r = store.load();
    REQUIRE_FALSE(r.ok());
    return std::string(r.error().what());
  };

  std::string flipped = good;
  flipped[flipped.find("41")] = '7';
  write(flipped);
  CHECK(message().find("checksum mismatch") != std::string::npos);

  write(good.substr(0, good.size() / 2));
  CHECK(message().find("truncated") != std::string::npos);

  write("");
  CHECK(message().find("no header line") != std::string::npos);

  std::string newer = good;
  newer.replace(newer.find(" 1 "), 3, " 9 ");
  write(newer);
  CHECK(message().find("newer starcdc") != std::string::npos);
  CHECK(store.load().error().kind() == ErrorKind::Config);

  // A well-framed file whose sink schemas are not column lists: refused, named.
  {
    std::string body = good.substr(good.find('\n') + 1);
    body.pop_back();  // the trailing newline
    const std::string wrong = "\"columns\":[[\"id\",\"bigint\",false]";
    REQUIRE(body.find(wrong) != std::string::npos);
    body.replace(body.find(wrong), wrong.size(), "\"columns\":[[\"id\",7,false]");
    boost::crc_32_type crc;
    crc.process_bytes(body.data(), body.size());
    char header[96];
    std::snprintf(header, sizeof header, "starcdc-checkpoint 1 %zu %08x\n", body.size(),
                  crc.checksum());
    write(std::string(header) + body + "\n");
    CHECK(message().find("bad field schemas") != std::string::npos);
  }

  write(good);
  StateStore other(dir.path(), "payments");
  auto r = other.load();
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.error().what()) ==
        "the state directory belongs to pipeline 'orders', not 'payments'");
  CHECK(store.load().ok());
}

TEST_CASE("a state directory is locked by one process at a time", "[checkpoint]") {
  test::TempDir dir;
  StateStore a(dir.path(), "p");
  a.open_exclusive();
  StateStore b(dir.path(), "p");
  CHECK_THROWS_AS(b.open_exclusive(), Error);
}

TEST_CASE("the coordinator persists the commit point before committing", "[checkpoint]") {
  test::TempDir dir;
  asio::io_context io;
  StateStore store(dir.path(), "p");
  FakeCommitter committer(store);
  HandoffQueue queue(io, io, 1 << 20);
  CheckpointCoordinator coord(committer, store, queue, "p", std::nullopt);
  CHECK(coord.next_epoch() == 1);

  queue.push(chunk("a", 1, 3));
  queue.push(chunk("b", 1, 2));
  queue.push(barrier(1, "{\"row\":5}"));
  queue.push(barrier(2, "{\"row\":5}"));  // nothing new: no transaction, no write
  SchemaChange c;
  c.kind = SchemaChangeKind::AddColumn;
  c.table = TableId{"db", "a"};
  queue.push(c);
  queue.push(barrier(3, "{\"row\":6}"));  // position moved without data: record only
  queue.push(chunk("a", 4, 1));
  queue.push(barrier(4, "{\"row\":7}", true));
  test::run_sync(io, coord.recover());
  test::run_sync(io, coord.run());

  CHECK(committer.calls ==
        std::vector<std::string>{"recover none", "load db.a e1 3", "load db.b e1 2", "prepare e1",
                                 "commit e1 n2 state:e1p", "apply add.column db.a",
                                 "load db.a e4 1", "prepare e4", "commit e4 n1 state:e4p"});
  auto rec = store.load().take();
  REQUIRE(rec);
  CHECK(rec->epoch == 4);
  CHECK(rec->committed);
  CHECK(rec->position.json() == "{\"row\":7}");
  CHECK(rec->tables.at("db.a").rows == 4);
  CHECK(rec->tables.at("db.b").rows == 2);
  CHECK(queue.bytes() == 0);
}

TEST_CASE("recovery commits a prepared epoch and marks it committed", "[checkpoint]") {
  test::TempDir dir;
  asio::io_context io;
  StateStore store(dir.path(), "orders");
  CheckpointRecord pending = sample_record();
  store.save(pending);
  FakeCommitter committer(store);
  HandoffQueue queue(io, io, 1 << 20);
  CheckpointCoordinator coord(committer, store, queue, "orders", store.load().take());
  test::run_sync(io, coord.recover());
  CHECK(committer.calls == std::vector<std::string>{"recover e41p"});
  auto rec = store.load().take();
  REQUIRE(rec);
  CHECK(rec->committed);
  CHECK(rec->tables.at("shop.orders").rows == 100 + 18000);
  CHECK(coord.next_epoch() == 42);
  CHECK(coord.resume_position()->json() == pending.position.json());
}

TEST_CASE("a recorded transaction lost in the sink replays its epoch from the position before",
          "[checkpoint]") {
  test::TempDir dir;
  asio::io_context io;
  StateStore store(dir.path(), "orders");
  CheckpointRecord pending = sample_record();
  pending.previous_position = Position::from_json("{\"file\":\"mysql-bin.000042\",\"pos\":4}");
  store.save(pending);
  FakeCommitter committer(store);
  committer.lose_recorded = true;
  HandoffQueue queue(io, io, 1 << 20);
  CheckpointCoordinator coord(committer, store, queue, "orders", store.load().take());
  test::run_sync(io, coord.recover());
  auto rec = store.load().take();
  REQUIRE(rec);
  CHECK(rec->committed);
  CHECK(rec->position.json() == "{\"file\":\"mysql-bin.000042\",\"pos\":4}");
  CHECK(rec->prepared.empty());
  CHECK(rec->tables.at("shop.orders").rows == 100);  // the lost epoch is not counted
  CHECK(coord.resume_position()->json() == rec->position.json());
  CHECK(coord.next_epoch() == 42);  // new labels for the replay
}

TEST_CASE("the batcher cuts epochs at barriers and before schema changes", "[checkpoint]") {
  asio::io_context io;
  test::TempDir dir;
  StateStore store(dir.path(), "p");
  FakeCommitter committer(store);
  TestSink sink(committer);
  HandoffQueue queue(io, io, 1 << 20);
  Batcher batcher(sink, queue, 7);
  const TableSchema a = test::schema("db", "a");
  const TableSchema b = test::schema("db", "b");
  std::vector<Value> row = {Value::int64(1), Value::string("x")};
  ChangeEvent e;
  e.op = Op::Insert;
  e.after = RowImage{row, {}};
  e.schema = &a;
  batcher.event(e);
  batcher.event(e);
  e.schema = &b;
  batcher.event(e);
  CHECK(batcher.open_bytes() == 6);
  batcher.cut(Position::from_json("{\"row\":3}"), false);
  CHECK(batcher.epoch() == 8);
  CHECK(batcher.open_bytes() == 0);
  e.schema = &a;
  batcher.event(e);
  SchemaChange c;
  c.table = a.id();
  c.position_before = Position::from_json("{\"row\":4}");
  batcher.schema_change(c);

  std::vector<std::string> items;
  auto drain = [&]() -> asio::awaitable<void> {
    while (queue.bytes() > 0 || items.size() < 6) {
      HandoffItem item = co_await queue.pop();
      if (auto* ch = std::get_if<LoadChunk>(&item)) {
        items.push_back("chunk " + ch->table.str() + " e" + std::to_string(ch->epoch) + " r" +
                        std::to_string(ch->rows) + " " +
                        std::string(ch->bytes.view().substr(0, 2)));
        queue.release(std::move(ch->bytes));
      } else if (auto* br = std::get_if<Barrier>(&item)) {
        items.push_back("barrier e" + std::to_string(br->epoch) + " " + br->position.json());
      } else {
        items.push_back("schema " + std::get<SchemaChange>(item).table.str());
      }
    }
  };
  test::run_sync(io, drain());
  CHECK(items == std::vector<std::string>{"chunk db.a e7 r2 1\n", "chunk db.b e7 r1 1\n",
                                          "barrier e7 {\"row\":3}", "chunk db.a e8 r1 1\n",
                                          "barrier e8 {\"row\":4}", "schema db.a"});
}

TEST_CASE("an epoch with no events that ends where the last one did is no epoch", "[checkpoint]") {
  asio::io_context io;
  test::TempDir dir;
  StateStore store(dir.path(), "p");
  FakeCommitter committer(store);
  TestSink sink(committer);
  HandoffQueue queue(io, io, 1 << 20);
  Batcher batcher(sink, queue, 5, Position::from_json("{\"row\":10}"));
  batcher.cut(Position::from_json("{\"row\":10}"), false);  // nothing happened
  CHECK(batcher.epoch() == 5);
  SchemaChange c;
  c.table = TableId{"db", "a"};
  c.position_before = Position::from_json("{\"row\":10}");
  batcher.schema_change(c);  // no barrier before it either
  CHECK(batcher.epoch() == 5);
  batcher.cut(Position::from_json("{\"row\":12}"), false);  // the position moved: an epoch
  CHECK(batcher.epoch() == 6);
  batcher.cut(Position::from_json("{\"row\":12}"), true);  // the final barrier always goes
  CHECK(batcher.epoch() == 7);
}

TEST_CASE("the batcher flushes a table's buffer as a chunk at the chunk size", "[checkpoint]") {
  asio::io_context io;
  test::TempDir dir;
  StateStore store(dir.path(), "p");
  FakeCommitter committer(store);
  TestSink sink(committer);
  HandoffQueue queue(io, io, 1 << 20);  // chunk size = 128 KiB
  Batcher batcher(sink, queue, 1);
  const TableSchema a = test::schema("db", "a");
  std::vector<Value> row = {Value::int64(123456789), Value::string("x")};
  ChangeEvent e;
  e.after = RowImage{row, {}};
  e.schema = &a;
  const uint64_t n = batcher.chunk_bytes() / 10 + 5;
  for (uint64_t i = 0; i < n; ++i) {
    batcher.event(e);
  }
  CHECK(queue.bytes() >= batcher.chunk_bytes());
  CHECK(batcher.open_bytes() < batcher.chunk_bytes());
  CHECK(queue.bytes() + batcher.open_bytes() == n * 10);
}

}  // namespace starcdc

namespace starcdc {

TEST_CASE("rows with another column set start a new chunk that names its columns", "[checkpoint]") {
  asio::io_context io;
  test::TempDir dir;
  StateStore store(dir.path(), "p");
  FakeCommitter committer(store);
  TestSink sink(committer);
  HandoffQueue queue(io, io, 1 << 20);
  Batcher batcher(sink, queue, 1);
  const TableSchema a(TableId{"db", "a"}, 1,
                      {Column{"id", "bigint", false}, Column{"name", "varchar(32)", true},
                       Column{"note", "text", true}},
                      {0});
  std::vector<Value> row = {Value::int64(1), Value::string("x"), Value::string("y")};
  const uint64_t key_only = 0b001;
  const uint64_t name_only = 0b010;
  ChangeEvent full;
  full.schema = &a;
  full.after = RowImage{row, {}};
  ChangeEvent partial = full;
  partial.op = Op::Update;
  partial.before = RowImage{row, {&key_only}};
  partial.after = RowImage{row, {&name_only}};
  batcher.event(full);
  batcher.event(full);
  batcher.event(partial);  // name + the key from the before image
  batcher.event(partial);
  batcher.event(full);
  batcher.cut(Position::from_json("{\"row\":5}"), true);
  std::vector<std::pair<uint64_t, std::vector<uint64_t>>> chunks;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (;;) {
          HandoffItem item = co_await queue.pop();
          if (auto* c = std::get_if<LoadChunk>(&item)) {
            chunks.emplace_back(c->rows, c->columns);
            queue.release(std::move(c->bytes));
          } else {
            co_return;
          }
        }
      },
      asio::detached);
  io.run();
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0] == std::make_pair(uint64_t{2}, std::vector<uint64_t>{}));
  CHECK(chunks[1] == std::make_pair(uint64_t{2}, std::vector<uint64_t>{0b11}));
  CHECK(chunks[2] == std::make_pair(uint64_t{1}, std::vector<uint64_t>{}));
}

}  // namespace starcdc

namespace starcdc {
namespace {

class OpEncoder : public RowEncoder {
 public:
  void encode(const ChangeEvent& e, ByteBuffer& out) override {
    const RowImage& img = e.op == Op::Delete ? e.before : e.after;
    out.append(op_name(e.op));
    out.push_back(':');
    out.append_int(img.values[0].i);
    out.push_back(' ');
  }
};

class OpSink : public Sink {
 public:
  explicit OpSink(SinkCommitter& c) : c_(c) {}
  std::unique_ptr<RowEncoder> make_encoder(const TableSchema&) override {
    return std::make_unique<OpEncoder>();
  }
  SinkCommitter& committer() override { return c_; }

 private:
  SinkCommitter& c_;
};

}  // namespace

TEST_CASE("an update that changes the key is a delete of the old key and an insert of the new",
          "[checkpoint]") {
  asio::io_context io;
  test::TempDir dir;
  StateStore store(dir.path(), "p");
  FakeCommitter committer(store);
  OpSink sink(committer);
  HandoffQueue queue(io, io, 1 << 20);
  Batcher batcher(sink, queue, 1);
  const TableSchema a = test::schema("db", "a");
  std::vector<Value> before = {Value::int64(2), Value::string("x")};
  std::vector<Value> after = {Value::int64(4), Value::string("x")};
  ChangeEvent e;
  e.schema = &a;
  e.op = Op::Update;
  e.before = RowImage{before, {}};
  e.after = RowImage{after, {}};
  batcher.event(e);
  after[0] = Value::int64(2);  // same key: a plain update
  batcher.event(e);
  batcher.cut(Position::from_json("{\"row\":1}"), true);
  std::string encoded;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (;;) {
          HandoffItem item = co_await queue.pop();
          auto* c = std::get_if<LoadChunk>(&item);
          if (c == nullptr) {
            co_return;
          }
          encoded += std::string(c->bytes.view());
          queue.release(std::move(c->bytes));
        }
      },
      asio::detached);
  io.run();
  CHECK(encoded == std::string(op_name(Op::Delete)) + ":2 " + op_name(Op::Insert) + ":4 " +
                       op_name(Op::Update) + ":2 ");
}

}  // namespace starcdc
