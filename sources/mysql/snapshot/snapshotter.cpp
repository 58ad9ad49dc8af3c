#include "sources/mysql/snapshot/snapshotter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"
#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/protocol/query_cursor.hpp"
#include "sources/mysql/protocol/result_stream.hpp"

namespace starcdc::mysql::snapshot {
namespace {

constexpr std::string_view kComponent = "source.mysql";
constexpr size_t kSlotBytes = 8 << 20;  // rows a reader holds ahead of the pipeline
constexpr auto kLogEvery = std::chrono::seconds(10);
constexpr auto kLineEvery = std::chrono::milliseconds(500);

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string human(double n) {
  char buf[32];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2fG", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  } else if (n >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

}  // namespace

// One chunk being read and emitted: row packets as [u32 length, payload]. The reader appends to
// `fill`; emit() reads `drain` and swaps the two when it is through (no copying, no compaction).
struct Snapshotter::Slot {
  TableId table;
  Chunk chunk;
  bool started = false;  // `at` is known
  bool complete = false;
  LogPoint at;
  std::string fill;
  std::string drain;
  size_t read_pos = 0;
  uint64_t rows_in = 0;   // rows the reader added
  uint64_t rows_out = 0;  // rows emitted
  int64_t at_ms = 0;
};

struct Snapshotter::Entry {
  TableCopy copy;
  bool has_copy = false;
  TableProgress p;
  std::unique_ptr<ChunkPlanner> planner;
  binlog::TableMap key_map;  // the key columns, to decode bound texts
  std::chrono::steady_clock::time_point started{};
  std::chrono::steady_clock::time_point last_rate_at{};
  uint64_t rows_at_start = 0;
  uint64_t last_rate_rows = 0;
  double rate = 0;
  bool announced = false;
  std::vector<Value> bound;  // p.passed decoded (passed_bound()), views into it and bound_arena
  Arena bound_arena;
  bool bound_decoded = false;
};

Snapshotter::Snapshotter(asio::io_context& io, SnapshotOptions options, Connect connect,
                         std::shared_ptr<asio::steady_timer> wake)
    : io_(io),
      options_(std::move(options)),
      connect_(std::move(connect)),
      wake_(std::move(wake)),
      values_(options_.decoding, arena_),
      tty_(isatty(STDERR_FILENO) != 0) {}

Snapshotter::~Snapshotter() = default;

void Snapshotter::wake() const {
  if (wake_) {
    wake_->cancel();
  }
}

void Snapshotter::restore(SnapshotState state) {
  for (auto& [id, p] : state.tables) {
    auto e = std::make_unique<Entry>();
    e->p = std::move(p);
    tables_[id] = std::move(e);
  }
  update_deciding();
}

bool Snapshotter::knows(const TableId& id) const { return tables_.count(id) != 0; }

bool Snapshotter::in_progress(const TableId& id) const {
  auto it = tables_.find(id);
  if (it == tables_.end()) {
    return false;
  }
  const CopyState s = it->second->p.state;
  return s == CopyState::Waiting || s == CopyState::Copying || s == CopyState::Copied;
}

void Snapshotter::mark_streaming(const TableId& id) {
  auto& e = tables_[id];
  if (!e) {
    e = std::make_unique<Entry>();
    e->p.state = CopyState::Streaming;
    dirty_ = true;
  }
}

void Snapshotter::add(TableCopy t) {
  auto& slot = tables_[t.id];
  if (!slot) {
    slot = std::make_unique<Entry>();
  }
  Entry& e = *slot;
  if (e.p.state == CopyState::Done || e.p.state == CopyState::Streaming) {
    return;
  }
  if ((e.p.state == CopyState::Copying || e.p.state == CopyState::Copied) && !e.p.shape.empty() &&
      e.p.shape != t.shape) {
    log::warn(kComponent, "The table changed while it was being copied; copying it again.",
              {{"table", t.id.str()}, {"chunks_copied", e.p.chunks}});
    e.p = TableProgress();
  }
  e.p.shape = t.shape;
  for (size_t i = 0; i < t.key.size(); ++i) {
    e.key_map.columns.push_back(t.order.part(i).column);
  }
  e.key_map.database = t.id.database;
  e.key_map.table = t.id.table;
  e.copy = std::move(t);
  e.has_copy = true;
  if (!e.p.all_read) {
    queue_.push_back(e.copy.id);
  }
  update_deciding();
  if (started_ && readers_ == 0 && !queue_.empty()) {
    start();
  }
}

void Snapshotter::prune() {
  for (auto it = tables_.begin(); it != tables_.end();) {
    const CopyState s = it->second->p.state;
    const bool in_progress =
        s == CopyState::Waiting || s == CopyState::Copying || s == CopyState::Copied;
    if (in_progress && !it->second->has_copy) {
      log::warn(kComponent, "A table being copied is gone or no longer captured; forgetting it.",
                {{"table", it->first.str()}});
      it = tables_.erase(it);
    } else {
      ++it;
    }
  }
  update_deciding();
}

void Snapshotter::start() {
  started_ = true;
  if (queue_.empty() || closing_) {
    return;
  }
  if (began_ == std::chrono::steady_clock::time_point{}) {
    began_ = std::chrono::steady_clock::now();
    last_log_ = began_;
    log::info(kComponent, "Snapshot started.",
              {{"tables", static_cast<uint64_t>(queue_.size())},
               {"parallelism", options_.parallelism},
               {"chunk_size", options_.chunks.chunk_rows}});
  }
  finished_ = false;
  auto self = shared_from_this();
  for (int i = readers_; i < options_.parallelism; ++i) {
    ++readers_;
    asio::co_spawn(io_, reader(), [self](std::exception_ptr e) {
      --self->readers_;
      if (e && !self->closing_ && !self->failure_) {
        self->failure_ = e;
      }
      self->wake();
    });
  }
}

asio::awaitable<void> Snapshotter::idle(asio::steady_timer& mine) {
  waiting_.push_back(&mine);
  mine.expires_after(std::chrono::seconds(1));
  boost::system::error_code ec;
  co_await mine.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::erase(waiting_, &mine);
}

void Snapshotter::notify_readers() {
  for (asio::steady_timer* t : waiting_) {
    t->cancel();
  }
}

asio::awaitable<std::shared_ptr<Snapshotter::Slot>> Snapshotter::next_job(
    protocol::Connection& conn, asio::steady_timer& mine) {
  // Chunks read ahead of the pipeline: one per reader besides the one going out.
  while (slots_.size() > static_cast<size_t>(options_.parallelism) && !closing_) {
    co_await idle(mine);
  }
  while (planning_ && !closing_) {
    co_await idle(mine);
  }
  if (closing_) {
    co_return nullptr;
  }
  planning_ = true;
  struct Release {
    Snapshotter* s;
    ~Release() {
      s->planning_ = false;
      s->notify_readers();
    }
  } release{this};
  while (!queue_.empty()) {
    Entry& e = *tables_.at(queue_.front());
    if (!e.planner) {
      e.planner = std::make_unique<ChunkPlanner>(e.copy.id, e.copy.key, options_.chunks);
      if (e.p.next) {
        e.planner->resume(e.p.chunks, *e.p.next);
      }
    }
    std::optional<Chunk> chunk;
    try {
      chunk = co_await e.planner->next_chunk(conn);
    } catch (const protocol::ServerError& err) {
      if (err.code() == 1054 || err.code() == 1146 || err.kind() == ErrorKind::Transient) {
        throw Error(ErrorKind::Transient,
                    std::string("the table changed while it was being copied: ") + err.what(),
                    e.copy.id.str(), "the pipeline restarts from its last checkpoint");
      }
      throw Error(ErrorKind::Data, std::string("cannot plan the snapshot's chunks: ") + err.what(),
                  e.copy.id.str(), "check that the table exists and the user may SELECT it");
    }
    if (!chunk) {
      queue_.pop_front();
      continue;
    }
    e.p.estimate = e.planner->estimated_rows();
    e.p.estimated_chunks = std::max(e.planner->estimated_chunks(), chunk->id + 1);
    if (e.p.state == CopyState::Waiting) {
      e.p.state = CopyState::Copying;
    }
    if (!e.announced) {
      e.announced = true;
      e.started = std::chrono::steady_clock::now();
      e.last_rate_at = e.started;
      e.rows_at_start = e.p.rows;
      e.last_rate_rows = e.p.rows;
      if (e.p.chunks > 0) {
        // A named local: GCC 12 ends temporaries in a coroutine's braced list too early.
        const std::string table = e.copy.id.str();
        log::info(kComponent, "Snapshot resumed.",
                  {{"table", table}, {"chunk", chunk->id}, {"rows", e.p.rows}});
      }
    }
    auto slot = std::make_shared<Slot>();
    if (spare_.size() >= 2) {
      slot->fill = std::move(spare_.back());
      spare_.pop_back();
      slot->drain = std::move(spare_.back());
      spare_.pop_back();
    }
    slot->table = e.copy.id;
    slot->chunk = std::move(*chunk);
    slots_.push_back(slot);  // from here the binlog reader holds still until `at` is known
    co_await conn.query("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    const protocol::ResultSet st = co_await conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    for (const auto& row : st.rows) {
      const std::string name = row[0].value_or("");
      if (name == "Binlog_snapshot_file") {
        slot->at.file = row[1].value_or("");
      } else if (name == "Binlog_snapshot_position") {
        slot->at.offset = std::stoull(row[1].value_or("0"));
      }
    }
    if (slot->at.file.empty()) {
      throw Error(ErrorKind::Refused,
                  "the server does not report the binlog position of a consistent snapshot "
                  "(binlog_snapshot_file), which the lock-free snapshot needs",
                  conn.options().endpoint(),
                  "use MariaDB or Percona Server, or start from a binlog position "
                  "(scan.startup.mode: latest-offset) after copying the tables another way");
    }
    slot->started = true;
    slot->at_ms = unix_ms();
    wake();
    co_return slot;
  }
  co_return nullptr;
}

asio::awaitable<void> Snapshotter::reader() {
  asio::steady_timer mine(io_);  // this reader's waits (notify_readers() ends them)
  std::unique_ptr<protocol::Connection> conn = co_await connect_();
  conns_.push_back(conn.get());
  struct Forget {
    Snapshotter* s;
    protocol::Connection* c;
    ~Forget() { std::erase(s->conns_, c); }
  } forget{this, conn.get()};
  // UTC TIMESTAMP text; patience while the pipeline drains the chunks ahead of this one.
  co_await conn->query("SET time_zone = '+00:00', SESSION net_write_timeout = 3600");
  co_await conn->query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  for (;;) {
    std::shared_ptr<Slot> slot = co_await next_job(*conn, mine);
    if (!slot) {
      break;
    }
    Entry& e = *tables_.at(slot->table);
    const std::string sql = e.planner->chunk_sql(slot->chunk, e.copy.select);
    protocol::QueryCursor cursor(*conn);
    try {
      co_await cursor.start(sql);
      uint64_t since_wake = 0;
      for (;;) {
        protocol::ByteView row;
        const auto got = cursor.buffered_packet(&row);
        if (got == protocol::QueryCursor::Buffered::End) {
          break;
        }
        if (got == protocol::QueryCursor::Buffered::Wait) {
          const std::optional<protocol::ByteView> p = co_await cursor.next_packet();
          if (!p) {
            break;
          }
          row = *p;
        }
        const auto n = static_cast<uint32_t>(row.size());
        char len[4];
        std::memcpy(len, &n, 4);
        slot->fill.append(len, 4);
        slot->fill.append(reinterpret_cast<const char*>(row.data()), row.size());
        ++slot->rows_in;
        if (++since_wake >= options_.fetch_rows) {
          since_wake = 0;
          wake();
        }
        while (slot->fill.size() >= kSlotBytes && !closing_) {
          wake();
          co_await idle(mine);
        }
        if (closing_) {
          co_return;
        }
      }
      co_await conn->query("COMMIT");
    } catch (const protocol::ServerError& err) {
      if (err.kind() == ErrorKind::Transient) {
        throw;
      }
      if (err.code() == 1054 || err.code() == 1146) {
        // Unknown column or table: it changed since it was described. A restart from the
        // checkpoint describes it again (and copies it again when its columns changed).
        throw Error(ErrorKind::Transient,
                    std::string("the table changed while it was being copied: ") + err.what(),
                    slot->table.str() + " chunk " + std::to_string(slot->chunk.id),
                    "the pipeline restarts from its last checkpoint");
      }
      throw Error(ErrorKind::Data, std::string("cannot read a snapshot chunk: ") + err.what(),
                  slot->table.str() + " chunk " + std::to_string(slot->chunk.id),
                  "check the table and the user's SELECT privilege");
    }
    slot->complete = true;
    if (log::enabled(log::Level::Debug)) {
      const std::string table = slot->table.str();
      log::debug(kComponent, "Chunk copied.",
                 {{"table", table},
                  {"chunk", slot->chunk.id},
                  {"rows", slot->rows_in},
                  {"ms", unix_ms() - slot->at_ms}});
    }
    wake();
  }
  co_await conn->quit();
}

uint64_t Snapshotter::emit(Emitter& out, uint64_t max) {
  if (failure_) {
    std::rethrow_exception(failure_);
  }
  uint64_t n = 0;
  while (n < max && !slots_.empty()) {
    Slot& s = *slots_.front();
    if (!s.started) {
      break;
    }
    Entry& e = *tables_.at(s.table);
    const size_t columns = e.copy.map.columns.size();
    ChangeEvent ce;
    ce.op = Op::Read;
    ce.schema = e.copy.schema;
    ce.commit_ms = s.at_ms;
    row_.resize(columns);
    while (n < max) {
      if (s.read_pos >= s.drain.size()) {
        if (s.fill.empty()) {
          break;
        }
        s.drain.swap(s.fill);
        s.fill.clear();
        s.read_pos = 0;
        notify_readers();
      }
      uint32_t len = 0;
      std::memcpy(&len, s.drain.data() + s.read_pos, 4);
      const auto* packet = reinterpret_cast<const uint8_t*>(s.drain.data() + s.read_pos + 4);
      s.read_pos += 4 + len;
      protocol::parse_text_row(protocol::ByteView(packet, len), columns, fields_);
      arena_.reset();
      for (size_t i = 0; i < columns; ++i) {
        row_[i] = values_.decode(e.copy.map, i, fields_[i]);
      }
      ce.after.values = std::span<const Value>(row_.data(), columns);
      out.event(ce);
      ++s.rows_out;
      ++n;
    }
    if (s.read_pos < s.drain.size() || !s.fill.empty() || !s.complete) {
      break;
    }
    finish_chunk(s);
    recycle(s);
    slots_.pop_front();
    notify_readers();
    break;  // the binlog reader may move up to the next chunk's point first
  }
  rows_total_ += n;
  return n;
}

void Snapshotter::recycle(Slot& s) {
  for (std::string* b : {&s.fill, &s.drain}) {
    if (spare_.size() < 8 && b->capacity() > 0 && b->capacity() <= 2 * kSlotBytes) {
      b->clear();
      spare_.push_back(std::move(*b));
    }
  }
}

void Snapshotter::finish_chunk(Slot& s) {
  Entry& e = *tables_.at(s.table);
  e.p.chunks += 1;
  e.p.rows += s.rows_out;
  e.p.next = s.chunk.high;
  e.p.pending.push_back(PendingChunk{s.chunk.high, s.at});
  if (!s.chunk.high) {
    e.p.all_read = true;
    last_log_ = {};  // report() logs and updates the metrics now
    e.p.state = CopyState::Copied;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - e.started).count();
    log::info(kComponent, "Table snapshot finished.",
              {{"table", e.copy.id.str()},
               {"rows", e.p.rows},
               {"chunks", e.p.chunks},
               {"seconds", secs}});
  }
  finished_ = true;
  update_deciding();
}

bool Snapshotter::mid_chunk() const { return !slots_.empty() && slots_.front()->rows_out > 0; }

bool Snapshotter::take_finished() {
  const bool f = finished_;
  finished_ = false;
  return f;
}

std::optional<LogPoint> Snapshotter::barrier() const {
  if (slots_.empty()) {
    return std::nullopt;
  }
  const Slot& s = *slots_.front();
  return s.started ? s.at : LogPoint{};
}

bool Snapshotter::copying() const {
  if (!slots_.empty() || !queue_.empty()) {
    return true;
  }
  return std::any_of(tables_.begin(), tables_.end(), [](const auto& kv) {
    return kv.second->p.state == CopyState::Waiting || kv.second->p.state == CopyState::Copying;
  });
}

void Snapshotter::update_deciding() {
  dirty_ = true;
  deciding_ = std::any_of(tables_.begin(), tables_.end(), [](const auto& kv) {
    const CopyState s = kv.second->p.state;
    return s == CopyState::Waiting || s == CopyState::Copying || s == CopyState::Copied;
  });
}

void Snapshotter::pass(Entry& e, const LogPoint& at) {
  while (!e.p.pending.empty() && compare(e.p.pending.front().at, at) <= 0) {
    e.p.passed_any = true;
    e.p.passed = std::move(e.p.pending.front().high);
    e.bound_decoded = false;
    e.p.pending.pop_front();
    if (!e.p.passed && e.p.all_read) {
      e.p.state = CopyState::Done;
      e.p.pending.clear();
      update_deciding();
      return;
    }
  }
}

const std::vector<Value>& Snapshotter::passed_bound(Entry& e) {
  // Decoded once per bound, not per row: the values view the texts in e.p.passed, which stay put
  // until pass() replaces them.
  if (!e.bound_decoded) {
    e.bound.clear();
    e.bound_arena.reset();
    TextValueDecoder decoder(options_.decoding, e.bound_arena);  // its own arena: rows reset theirs
    const KeyTuple& k = *e.p.passed;
    for (size_t i = 0; i < k.size() && i < e.key_map.columns.size(); ++i) {
      e.bound.push_back(decoder.decode(e.key_map, i, std::string_view(k[i])));
    }
    e.bound_decoded = true;
  }
  return e.bound;
}

Verdict Snapshotter::classify(const TableId& table, std::span<const Value> key,
                              const LogPoint& at) {
  auto it = tables_.find(table);
  if (it == tables_.end()) {
    return Verdict::Emit;
  }
  Entry& e = *it->second;
  if (e.p.state == CopyState::Done || e.p.state == CopyState::Streaming) {
    return Verdict::Emit;
  }
  pass(e, at);
  if (e.p.state == CopyState::Done) {
    return Verdict::Emit;
  }
  if (!e.p.passed_any) {
    return Verdict::Drop;
  }
  if (!e.p.passed) {
    return Verdict::Emit;  // passed the last chunk (all_read follows when it is emitted)
  }
  const std::optional<int> c = e.copy.order.compare(key, passed_bound(e));
  if (!c) {
    return Verdict::AskServer;
  }
  return *c < 0 ? Verdict::Emit : Verdict::Drop;
}

std::string Snapshotter::less_sql(const TableId& table, std::span<const Value> key) {
  Entry& e = *tables_.at(table);
  return e.copy.order.sql_less(key, passed_bound(e));
}

bool Snapshotter::copy_affected(const TableId& table, const LogPoint& at) {
  auto it = tables_.find(table);
  if (it == tables_.end() || !it->second->has_copy) {
    return false;
  }
  Entry& e = *it->second;
  if (e.p.state == CopyState::Copying || e.p.state == CopyState::Copied) {
    pass(e, at);
  }
  const CopyState s = e.p.state;
  return s == CopyState::Waiting || s == CopyState::Copying || s == CopyState::Copied;
}

const std::vector<size_t>* Snapshotter::key_columns(const TableId& table) const {
  auto it = tables_.find(table);
  if (it == tables_.end() || !it->second->has_copy) {
    return nullptr;
  }
  return &it->second->copy.key_index;
}

std::string Snapshotter::state_json(const LogPoint& at) {
  if (!dirty_ && !deciding_) {
    return state_cache_;  // nothing copies, nothing changed: the common case while streaming
  }
  SnapshotState st;
  for (auto& [id, e] : tables_) {
    if (!at.empty() && (e->p.state == CopyState::Copying || e->p.state == CopyState::Copied)) {
      pass(*e, at);
    }
    st.tables.emplace(id, e->p);
  }
  state_cache_ = st.to_json();
  dirty_ = false;
  return state_cache_;
}

void Snapshotter::report(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (began_ == std::chrono::steady_clock::time_point{}) {
    return;
  }
  const bool log_now = force || now - last_log_ >= kLogEvery;
  const bool line_now = tty_ && (force || now - last_line_ >= kLineEvery);
  if (!log_now && !line_now) {
    return;
  }
  auto& m = Metrics::global();
  uint64_t remaining = 0;
  uint64_t finished = 0;
  std::string line;
  for (auto& [id, ep] : tables_) {
    Entry& e = *ep;
    const CopyState s = e.p.state;
    if (s == CopyState::Streaming) {
      continue;
    }
    if (s == CopyState::Copied || s == CopyState::Done) {
      ++finished;
    } else {
      ++remaining;
    }
    const std::string name = id.str();
    const uint64_t rows = e.p.rows;
    const uint64_t left_chunks =
        e.p.estimated_chunks > e.p.chunks && !e.p.all_read ? e.p.estimated_chunks - e.p.chunks : 0;
    m.gauge("starcdc_snapshot_rows", "Rows copied by the initial snapshot.", name)
        .set(static_cast<double>(rows));
    m.gauge("starcdc_snapshot_chunks_finished", "Snapshot chunks copied.", name)
        .set(static_cast<double>(e.p.chunks));
    m.gauge("starcdc_snapshot_chunks_remaining", "Snapshot chunks still to copy (estimate).", name)
        .set(static_cast<double>(left_chunks));
    if (s != CopyState::Copying || !e.announced) {
      continue;
    }
    const double since = std::chrono::duration<double>(now - e.last_rate_at).count();
    if (since >= 1.0) {
      e.rate = static_cast<double>(rows - e.last_rate_rows) / since;
      e.last_rate_at = now;
      e.last_rate_rows = rows;
    }
    const double overall = std::chrono::duration<double>(now - e.started).count();
    const double rate =
        e.rate > 0 ? e.rate
                   : (overall > 0 ? static_cast<double>(rows - e.rows_at_start) / overall : 0);
    const uint64_t left = e.p.estimate > rows ? e.p.estimate - rows : 0;
    const double eta = rate > 0 ? static_cast<double>(left) / rate : -1;
    if (log_now) {
      log::info(kComponent, "Snapshot progress.",
                {{"table", name},
                 {"rows", rows},
                 {"estimate", e.p.estimate},
                 {"rows_per_s", static_cast<uint64_t>(rate)},
                 {"eta_s", static_cast<int64_t>(eta)},
                 {"chunks_done", e.p.chunks},
                 {"chunks_remaining", left_chunks}});
    }
    if (line.empty()) {
      char buf[256];
      const double pct = e.p.estimate > 0
                             ? 100.0 * static_cast<double>(rows) / static_cast<double>(e.p.estimate)
                             : 0;
      std::snprintf(buf, sizeof buf, "snapshot %s: %s of ~%s rows (%.0f%%), %s rows/s, ETA %s",
                    name.c_str(), human(static_cast<double>(rows)).c_str(),
                    human(static_cast<double>(e.p.estimate)).c_str(), std::min(pct, 100.0),
                    human(rate).c_str(),
                    eta < 0 ? "?" : (std::to_string(static_cast<int64_t>(eta)) + "s").c_str());
      line = buf;
    }
  }
  m.gauge("starcdc_snapshot_active", "1 while the initial snapshot copies tables.")
      .set(remaining > 0 ? 1 : 0);
  m.gauge("starcdc_snapshot_tables_remaining", "Tables the snapshot has still to copy.")
      .set(static_cast<double>(remaining));
  m.gauge("starcdc_snapshot_tables_finished", "Tables the snapshot copied.")
      .set(static_cast<double>(finished));
  if (log_now) {
    last_log_ = now;
  }
  if (line_now) {
    last_line_ = now;
    if (!line.empty()) {
      std::fprintf(stderr, "\r%-100s", line.c_str());
      line_open_ = true;
    } else if (line_open_) {
      std::fputs("\n", stderr);
      line_open_ = false;
    }
  }
  if (remaining == 0 && queue_.empty() && slots_.empty()) {
    const double secs = std::chrono::duration<double>(now - began_).count();
    if (line_open_) {
      std::fputs("\n", stderr);
      line_open_ = false;
    }
    log::info(kComponent, "Snapshot finished.",
              {{"tables", finished}, {"rows", rows_total_}, {"seconds", secs}});
    began_ = {};
  }
}

asio::awaitable<void> Snapshotter::close() {
  closing_ = true;
  notify_readers();
  for (protocol::Connection* c : conns_) {
    c->close();
  }
  if (line_open_) {
    std::fputs("\n", stderr);
    line_open_ = false;
  }
  co_return;
}

}  // namespace starcdc::mysql::snapshot
