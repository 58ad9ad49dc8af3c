#include "sources/mysql/mysql_source.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"
#include "sources/mysql/binlog/events.hpp"
#include "sources/mysql/binlog/rows_event.hpp"
#include "sources/mysql/binlog/table_map.hpp"
#include "sources/mysql/binlog_pump.hpp"
#include "sources/mysql/catalog.hpp"
#include "sources/mysql/ddl_changes.hpp"
#include "sources/mysql/mysql_events.hpp"
#include "sources/mysql/mysql_options.hpp"
#include "sources/mysql/position/gtid_set.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/server_session.hpp"
#include "sources/mysql/snapshot/snapshotter.hpp"
#include "sources/mysql/snapshot/text_values.hpp"
#include "sources/mysql/table_tracker.hpp"

namespace starcdc::mysql {
namespace {

using binlog::DecodedEvent;

constexpr auto kIdleWait = std::chrono::milliseconds(100);

class MysqlSource : public Source {
 public:
  MysqlSource(const SourceContext& ctx, const config::OptionValues& o)
      : ctx_(ctx),
        s_(mysql_settings_from(o)),
        tracker_(ctx.schemas, s_.tables, s_.exclude),
        decoder_(decoder_options(s_)),
        backoff_(ctx.io) {
    wake_ = std::make_shared<asio::steady_timer>(ctx.io);
  }

  asio::awaitable<void> open(std::optional<Position> resume_after) override {
    auto c = co_await connect_source(ctx_.io, s_);
    facts_ = co_await inspect_server(*c, s_);
    const bool fresh = !resume_after || resume_after->empty();
    if (!fresh) {
      std::string err;
      auto p = BinlogPosition::from_position(*resume_after, &err);
      if (!p) {
        throw Error(ErrorKind::Data, "cannot resume: " + err, "checkpoint",
                    "the state directory belongs to another source; use a fresh state.dir");
      }
      boundary_ = *p;
      if (p->server_id != 0 && p->server_id != facts_.server_id && !p->gtids.empty()) {
        mysql_events::failover(p->gtids, p->server_id, facts_.server_id);
      }
    } else {
      boundary_ = co_await startup_position(*c, s_, facts_);
      skip_before_ms_ = s_.startup == StartupMode::Timestamp ? s_.startup_timestamp_ms : 0;
    }
    load_gtid_state(boundary_.gtids);
    if (!fresh && !boundary_.schemas.empty()) {
      tracker_.restore_history(boundary_.schemas);
    }
    side_ = std::move(c);
    co_await open_snapshot(fresh);
    if (s_.startup == StartupMode::Snapshot) {
      co_return;  // copy only: no binlog
    }
    co_await start_stream(co_await connect_source(ctx_.io, s_));
  }

  // Binlog events first, as far as the snapshot lets them go (barrier()); snapshot rows when the
  // binlog is held or has nothing, so the reader stays caught up with the copy.
  asio::awaitable<PollResult> poll(Emitter& out, uint64_t max_events) override {
    uint64_t emitted = 0;
    moved_ = false;
    if (!pending_changes_.empty()) {
      for (auto& ch : pending_changes_) {
        ch.position_before = boundary_.to_position();
        out.schema_change(ch);
      }
      pending_changes_.clear();
    }
    while (emitted < max_events) {
      if (stream_ && drain_pos_ >= drain_.size() && !stream_->fill.empty()) {
        drain_.swap(stream_->fill);
        stream_->fill.clear();
        drain_pos_ = 0;
        stream_->space_ready.cancel();
      }
      if (stream_ && drain_pos_ < drain_.size()) {
        uint32_t n = 0;
        std::memcpy(&n, drain_.data() + drain_pos_, 4);
        const auto* bytes = reinterpret_cast<const uint8_t*>(drain_.data() + drain_pos_ + 4);
        if (!held_by_snapshot(bytes, n)) {
          drain_pos_ += 4 + n;
          emitted += co_await handle_raw(bytes, n, out);
          continue;
        }
      } else if (stream_ && stream_->error) {
        co_await recover_stream();
        continue;
      }
      if (snap_copying_) {
        const uint64_t rows = snap_->emit(out, max_events - emitted);
        emitted += rows;
        const bool finished = snap_->take_finished();
        moved_ = moved_ || finished;
        snap_copying_ = snap_->copying();
        snap_->report(!snap_copying_);  // the last report says "Snapshot finished."
        if (finished) {
          break;  // a chunk ended: a checkpoint may be placed here
        }
        if (rows > 0) {
          continue;
        }
      }
      if (!stream_ && !snap_copying_) {
        co_return finish(PollStatus::EndOfInput);
      }
      if (emitted > 0 || moved_) {
        break;
      }
      if (!co_await wait_wake()) {
        co_return finish(PollStatus::Idle);
      }
    }
    mysql_events::events_read(events_, bytes_, rows_);
    events_ = bytes_ = rows_ = 0;
    co_return finish(PollStatus::Progress);
  }

  asio::awaitable<uint64_t> handle_raw(const uint8_t* bytes, uint32_t n, Emitter& out) {
    events_ += 1;
    bytes_ += n;
    DecodedEvent ev = decoder_.decode(std::span<const uint8_t>(bytes, n));
    if (ev.as<binlog::TransactionPayloadEvent>() != nullptr) {
      const binlog::EventHeader outer = ev.header;
      uint64_t emitted = 0;
      while (auto inner = decoder_.next_payload_event()) {
        emitted += co_await handle(*inner, &outer, out);
      }
      co_return emitted;
    }
    co_return co_await handle(ev, nullptr, out);
  }
  void on_committed(const Position& /*p*/) override {}

  asio::awaitable<void> close() override {
    if (snap_) {
      co_await snap_->close();
    }
    if (stream_) {
      stream_->closing = true;
      stream_->space_ready.cancel();
      if (stream_->conn) {
        stream_->conn->close();
      }
    }
    if (side_) {
      co_await side_->quit();
    }
  }

 private:
  static binlog::DecoderOptions decoder_options(const MysqlSettings& s) {
    binlog::DecoderOptions o;
    o.zero_dates = s.zero_date == ZeroDate::Null ? binlog::ZeroDatePolicy::Null
                                                 : binlog::ZeroDatePolicy::Epoch;
    return o;
  }

  void load_gtid_state(const std::string& text) {
    std::string err;
    if (facts_.mariadb) {
      maria_state_ = MariaGtidList::parse(text, &err).value_or(MariaGtidList());
    } else {
      mysql_state_ = MysqlGtidSet::parse(text, &err).value_or(MysqlGtidSet());
      mysql_state_known_ = !text.empty();
    }
  }

  std::string gtid_text() const {
    if (facts_.mariadb) {
      return maria_state_.text();
    }
    return mysql_state_known_ ? mysql_state_.text() : "";
  }

  PollResult finish(PollStatus status) {
    PollResult r;
    r.status = status;
    const bool mid_chunk = snap_ && snap_->mid_chunk();
    if (!in_txn_ && !mid_chunk && (moved_ || status != PollStatus::Progress)) {
      boundary_.gtids = gtid_text();
      boundary_.schemas = tracker_.history_json();
      if (snap_) {
        boundary_.snapshot = snap_->state_json(
            stream_ ? snapshot::LogPoint{boundary_.file, boundary_.offset} : snapshot::LogPoint{});
      }
      r.boundary = boundary_.to_position();
    }
    return r;
  }

  // Waits up to kIdleWait for binlog data or snapshot rows; false when nothing came.
  asio::awaitable<bool> wait_wake() {
    wake_->expires_after(kIdleWait);
    boost::system::error_code ec;
    co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return ec == asio::error::operation_aborted;
  }

  // True when the raw event must wait for the snapshot (see Snapshotter::barrier()).
  bool held_by_snapshot(const uint8_t* ev, uint32_t n) const {
    if (!snap_copying_ || n < 19) {
      return false;
    }
    const std::optional<snapshot::LogPoint> barrier = snap_->barrier();
    if (!barrier) {
      return false;
    }
    if (barrier->empty()) {
      return true;  // a chunk's point is being taken
    }
    uint32_t size = 0;
    uint32_t log_pos = 0;
    std::memcpy(&size, ev + 9, 4);
    std::memcpy(&log_pos, ev + 13, 4);
    if (log_pos == 0 || log_pos < size) {
      return false;  // artificial (fake ROTATE, heartbeat): no place in the binlog
    }
    return snapshot::compare(snapshot::LogPoint{file_, log_pos - size}, *barrier) >= 0;
  }

  asio::awaitable<void> start_stream(std::unique_ptr<protocol::Connection> c) {
    auto st = std::make_shared<Stream>(ctx_.io, wake_);
    st->conn = std::move(c);
    st->stream = std::make_unique<protocol::BinlogStream>(*st->conn);
    decoder_.clear_tables();
    // The fake ROTATE before the first FORMAT_DESCRIPTION follows @master_binlog_checksum.
    decoder_.set_initial_checksum(facts_.checksum_crc32 ? binlog::ChecksumAlg::Crc32
                                                        : binlog::ChecksumAlg::Off);
    decoder_.set_file_name(boundary_.file);
    file_ = boundary_.file;
    co_await start_dump(*st->conn, *st->stream, s_, facts_, boundary_);
    stream_ = st;
    drain_.clear();
    drain_pos_ = 0;
    asio::co_spawn(ctx_.io, read_events(st), asio::detached);
  }

  // The stream failed: fatal errors stop the pipeline; a lost connection is reopened at the last
  // transaction boundary, skipping the rows of the open transaction already emitted.
  asio::awaitable<void> recover_stream() {
    std::exception_ptr e = stream_->error;
    std::string what;
    try {
      std::rethrow_exception(e);
    } catch (const protocol::ServerError& err) {
      if (err.code() == 1236) {
        throw Error(ErrorKind::Refused,
                    "the server cannot send the binlog from the checkpoint's position: " +
                        err.server_message(),
                    boundary_.where() + (boundary_.gtids.empty() ? "" : " " + boundary_.gtids),
                    "the binlog there was purged (or the position is wrong): keep binlogs longer "
                    "(binlog_expire_logs_seconds / expire_logs_days), and restart the pipeline "
                    "with a fresh state.dir to copy the tables again");
      }
      if (err.kind() != ErrorKind::Transient) {
        throw;
      }
      what = err.what();
    } catch (const Error& err) {
      if (err.kind() != ErrorKind::Transient) {
        throw;
      }
      what = err.what();
    }
    stream_->closing = true;
    if (stream_->conn) {
      stream_->conn->close();
    }
    for (int attempt = 0;; ++attempt) {
      if (attempt >= s_.connect_max_retries) {
        throw Error(ErrorKind::Transient, "the binlog connection failed: " + what,
                    s_.host + ":" + std::to_string(s_.port),
                    "the pipeline restarts from its last checkpoint");
      }
      const auto wait = std::chrono::milliseconds(std::min<int64_t>(1000LL << attempt, 30000));
      mysql_events::stream_lost(what, boundary_.where(), attempt + 1, wait.count());
      backoff_.expires_after(wait);
      co_await backoff_.async_wait(asio::use_awaitable);
      try {
        // Resume at the transaction start; rows of it that went out already are skipped.
        skip_rows_ = txn_rows_;
        txn_rows_ = 0;
        in_txn_ = false;
        pending_mysql_.reset();
        pending_maria_.reset();
        boundary_.gtids = gtid_text();
        auto c = co_await connect_source(ctx_.io, s_);
        co_await start_stream(std::move(c));
        mysql_events::resumed(boundary_.where(), skip_rows_);
        co_return;
      } catch (const Error& err) {
        if (err.kind() != ErrorKind::Transient) {
          throw;
        }
        what = err.what();
      }
    }
  }

  asio::awaitable<std::vector<TableId>> captured_tables() {
    co_await ensure_side();
    co_return co_await list_captured_tables(*side_, tracker_);
  }

  asio::awaitable<void> ensure_side() {
    if (!side_ || !side_->is_open()) {
      side_ = co_await connect_source(ctx_.io, s_);
    }
  }

  asio::awaitable<snapshot::TableCopy> describe(const TableId& id,
                                                std::vector<SchemaChange>& changes) {
    co_await ensure_side();
    co_return co_await describe_for_copy(*side_, id, s_, tracker_, changes);
  }

  // Which tables to copy: without a checkpoint all captured tables in the initial and snapshot
  // modes; with one, those being copied, plus new ones when scan.newly-added-table.enabled.
  asio::awaitable<void> open_snapshot(bool fresh) {
    snapshot::SnapshotOptions o;
    o.chunks.chunk_rows = s_.chunk_size;
    o.chunks.even_upper = s_.even_upper;
    o.chunks.even_lower = s_.even_lower;
    o.parallelism = s_.snapshot_parallelism;
    o.fetch_rows = s_.fetch_size;
    o.decoding = decoder_options(s_);
    const bool copy_mode =
        s_.startup == StartupMode::Initial || s_.startup == StartupMode::Snapshot;
    snap_ = std::make_shared<snapshot::Snapshotter>(
        ctx_.io, o,
        [this]() -> asio::awaitable<std::unique_ptr<protocol::Connection>> {
          co_return co_await connect_source(ctx_.io, s_);
        },
        wake_);
    const bool had_state = !boundary_.snapshot.empty();
    if (had_state) {
      snap_->restore(snapshot::SnapshotState::from_json(boundary_.snapshot));
    }
    for (const TableId& id : co_await captured_tables()) {
      bool copy = false;
      if (snap_->knows(id)) {
        // A copy in progress goes on; a finished (or never copied) table keeps the schema
        // history's shape, not information_schema's (which may be newer than the checkpoint).
        if (!snap_->in_progress(id)) {
          continue;
        }
        copy = true;
      } else if (fresh) {
        copy = copy_mode;
      } else {
        copy = had_state && s_.newly_added_tables;
      }
      if (!copy) {
        snap_->mark_streaming(id);
        continue;
      }
      snapshot::TableCopy t = co_await describe(id, pending_changes_);
      snap_->add(std::move(t));
    }
    snap_->prune();
    snap_copying_ = snap_->copying();
    if (snap_copying_) {
      co_await ensure_side();
      auto rs = co_await side_->query("SHOW STATUS LIKE 'binlog_snapshot_file'");
      if (rs.rows.empty()) {
        throw Error(ErrorKind::Refused,
                    "the server does not report the binlog position of a consistent snapshot "
                    "(status binlog_snapshot_file), which the lock-free initial snapshot needs",
                    side_->options().endpoint(),
                    "MariaDB and Percona Server have it; for another server copy the tables "
                    "another way and start with scan.startup.mode: latest-offset");
      }
    }
    snap_->start();
  }

  // A DDL statement may have brought new captured tables (CREATE TABLE, RENAME TABLE): with
  // scan.binlog.newly-added-table.enabled they are copied before they are followed.
  asio::awaitable<void> find_new_tables(std::vector<SchemaChange>& changes) {
    for (const TableId& id : co_await captured_tables()) {
      if (snap_->knows(id)) {
        continue;
      }
      if (!s_.binlog_newly_added_tables) {
        snap_->mark_streaming(id);
        continue;
      }
      snap_->add(co_await describe(id, changes));
      snap_copying_ = true;
      snap_->start();
    }
  }

  // information_schema through a second connection (the dump connection carries only events).
  asio::awaitable<std::vector<InfoColumn>> info_columns(const TableId& id) {
    co_await ensure_side();
    co_return co_await read_info_columns(*side_, id, nullptr);
  }

  // `history`: the tracked schemas before these changes (the position before them must carry
  // the schema history as of that position, not as of the last poll).
  void emit_changes(std::vector<SchemaChange>& changes, Emitter& out, const std::string& at,
                    const std::string& history) {
    if (!changes.empty()) {
      boundary_.gtids = gtid_text();
      boundary_.schemas = history;
      if (snap_) {
        boundary_.snapshot = snap_->state_json(
            stream_ ? snapshot::LogPoint{boundary_.file, boundary_.offset} : snapshot::LogPoint{});
      }
    }
    for (auto& c : changes) {
      c.position_before = boundary_.to_position();
      if (c.kind == SchemaChangeKind::CreateTable) {
        c.barrier = !in_txn_ || txn_rows_ == 0;
      } else if (in_txn_ && txn_rows_ > 0) {
        throw Error(ErrorKind::Data,
                    "the columns of " + c.table.str() +
                        " changed inside a transaction that already sent rows; this needs the "
                        "schema history of a later version",
                    at, "restart from a checkpoint before the change");
      }
      out.schema_change(c);
    }
    changes.clear();
  }

  std::string where(const binlog::EventHeader& h) const {
    return file_ + ":" + std::to_string(h.start_pos());
  }

  void commit(const binlog::EventHeader& h, const binlog::EventHeader* outer) {
    const binlog::EventHeader& at = outer != nullptr ? *outer : h;
    if (pending_mysql_) {
      mysql_state_.add(pending_mysql_->first, pending_mysql_->second);
      pending_mysql_.reset();
    }
    if (pending_maria_) {
      maria_state_.update(*pending_maria_);
      pending_maria_.reset();
    }
    in_txn_ = false;
    txn_rows_ = 0;
    skip_rows_ = 0;
    if (at.log_pos != 0) {
      boundary_.file = file_;
      boundary_.offset = at.log_pos;
    }
    boundary_.server_id = facts_.server_id;
    boundary_.ts = h.timestamp;
    moved_ = true;
    if (h.timestamp != 0) {
      mysql_events::lag_seconds(static_cast<double>(std::time(nullptr) - h.timestamp));
    }
  }

  asio::awaitable<uint64_t> handle(const DecodedEvent& ev, const binlog::EventHeader* outer,
                                   Emitter& out) {
    const binlog::EventHeader& h = ev.header;
    if (const auto* rows = ev.as<binlog::RowsEvent>()) {
      co_return co_await emit_rows(*rows, outer != nullptr ? *outer : h, out);
    }
    if (const auto* tm = ev.as<binlog::TableMapEvent>()) {
      const binlog::TableMap& m = *tm->table;
      if (!tracker_.captured(m.database, m.table)) {
        schema_by_id_[m.table_id] = nullptr;
        co_return 0;
      }
      if (snap_ && !snap_->knows(m.id())) {
        snap_->mark_streaming(m.id());  // created while running: its rows are all in the binlog
      }
      std::vector<InfoColumn> info;
      const TableSchema* known = tracker_.find(m.id());
      const bool same_shape = known != nullptr && known->columns().size() == m.columns.size() &&
                              (!m.present.names || !tm->changed) && !tracker_.announcing(m.id());
      if (!m.present.names && !same_shape) {
        info = co_await info_columns(m.id());
      }
      std::vector<SchemaChange> changes;
      const std::string history = same_shape ? std::string() : tracker_.history_json();
      const TableSchema* s =
          same_shape ? known : tracker_.resolve(m, m.present.names ? nullptr : &info, changes);
      emit_changes(changes, out, where(h), history);
      schema_by_id_[m.table_id] = s;
      co_return 0;
    }
    if (const auto* q = ev.as<binlog::QueryEvent>()) {
      co_await on_query(*q, h, outer, out);
      co_return 0;
    }
    if (ev.as<binlog::XidEvent>() != nullptr) {
      commit(h, outer);
      co_return 0;
    }
    if (const auto* g = ev.as<binlog::GtidEvent>()) {
      if (!g->anonymous) {
        std::string sid = g->uuid_text();
        if (!g->tag.empty()) {
          sid += ":" + std::string(g->tag);
        }
        pending_mysql_.emplace(std::move(sid), g->gno);
      }
      txn_commit_ms_ = g->immediate_commit_us ? static_cast<int64_t>(*g->immediate_commit_us / 1000)
                                              : int64_t{h.timestamp} * 1000;
      co_return 0;
    }
    if (const auto* g = ev.as<binlog::MariaGtidEvent>()) {
      pending_maria_ = MariaGtid{g->domain_id, g->server_id, g->seq_no};
      in_txn_ = !g->standalone();
      txn_rows_ = 0;
      txn_commit_ms_ = int64_t{h.timestamp} * 1000;
      co_return 0;
    }
    if (const auto* r = ev.as<binlog::RotateEvent>()) {
      file_ = std::string(r->next_file);
      decoder_.set_file_name(file_);
      if (!in_txn_) {
        boundary_.file = file_;
        boundary_.offset = r->position;
        moved_ = moved_ || !h.artificial();
      }
      co_return 0;
    }
    if (const auto* hb = ev.as<binlog::HeartbeatEvent>()) {
      if (!in_txn_ && (hb->file.empty() || hb->file == file_) && hb->position > boundary_.offset) {
        boundary_.offset = hb->position;
        moved_ = true;
      }
      co_return 0;
    }
    if (const auto* gl = ev.as<binlog::GtidListEvent>()) {
      if (facts_.mariadb && maria_state_.empty() && !in_txn_) {
        std::string err;
        maria_state_ = MariaGtidList::parse(gl->text(), &err).value_or(MariaGtidList());
      }
      co_return 0;
    }
    if (const auto* pg = ev.as<binlog::PreviousGtidsEvent>()) {
      if (!mysql_state_known_ && !in_txn_) {
        std::string err;
        if (auto set = MysqlGtidSet::parse(pg->text(), &err)) {
          mysql_state_ = std::move(*set);
          mysql_state_known_ = true;
        }
      }
      co_return 0;
    }
    if (const auto* inc = ev.as<binlog::IncidentEvent>()) {
      throw Error(ErrorKind::Data,
                  "the binlog records an incident (" + std::string(inc->message) +
                      "): changes may be missing from it",
                  where(h), "copy the tables again (fresh state.dir) after checking the server");
    }
    if (const auto* u = ev.as<binlog::UnknownEvent>()) {
      mysql_events::event_skipped(u->type_code, where(h));
    }
    co_return 0;
  }

  asio::awaitable<void> on_query(const binlog::QueryEvent& q, const binlog::EventHeader& h,
                                 const binlog::EventHeader* outer, Emitter& out) {
    if (starts_with_word(q.sql, "BEGIN")) {
      in_txn_ = true;
      txn_rows_ = 0;
      if (txn_commit_ms_ == 0) {
        txn_commit_ms_ = int64_t{h.timestamp} * 1000;
      }
      co_return;
    }
    if (starts_with_word(q.sql, "COMMIT") || starts_with_word(q.sql, "ROLLBACK")) {
      commit(h, outer);
      co_return;
    }
    if (starts_with_word(q.sql, "SAVEPOINT") || starts_with_word(q.sql, "XA")) {
      co_return;
    }
    // DDL (binlog_format=ROW logs DML as rows): tracked tables it may concern are read again
    // from information_schema, and their changes go out at this boundary.
    if (!in_txn_ && s_.schema_change_enabled) {
      const std::vector<TableId> tracked = tracker_.tracked();
      const std::optional<ddl::Statement> stmt =
          parse_ddl(q.sql, q.database, q.status.sql_mode, tracked, where(h));
      const std::string history = tracker_.history_json();
      std::vector<SchemaChange> changes;
      std::map<TableId, const TableSchema*> before;
      for (const TableId& id : tracked) {
        if (TableTracker::mentions(std::string(q.sql), id)) {
          before[id] = tracker_.find(id);
          // The statement itself says what the table looks like from here on (the schema
          // history); information_schema, which shows the table as it is now, only when not.
          if (auto after = stmt ? columns_after(*stmt, id, tracker_) : std::nullopt) {
            tracker_.evolve(id, after->columns, after->primary_key, after->defaults, changes);
          } else {
            tracker_.refresh(id, co_await info_columns(id), changes);
          }
        }
      }
      if (stmt) {
        apply_statement(*stmt, before, tracker_, changes);
      }
      for (const SchemaChange& c : changes) {
        if (snap_ && snap_->copy_affected(c.table, snapshot::LogPoint{file_, h.start_pos()})) {
          // Rows copied so far have the old columns: the table is copied again after a restart
          // from the last checkpoint (its shape no longer matches the recorded one).
          throw Error(ErrorKind::Transient,
                      "the columns of " + c.table.str() + " changed while it was being copied",
                      where(h),
                      "the pipeline restarts from its last checkpoint and copies it again");
        }
      }
      if (snap_ && (starts_with_word(q.sql, "CREATE") || starts_with_word(q.sql, "RENAME") ||
                    starts_with_word(q.sql, "ALTER"))) {
        co_await find_new_tables(changes);
      }
      emit_changes(changes, out, where(h), history);
    }
    commit(h, outer);
  }

  // The chunk key of a row image (key columns the image lacks come from `fallback`).
  void row_key(const RowImage& img, const RowImage* fallback, const std::vector<size_t>& idx) {
    key_.clear();
    for (size_t i : idx) {
      if (i < img.values.size() && img.present.has(i)) {
        key_.push_back(img.values[i]);
      } else if (fallback != nullptr && i < fallback->values.size()) {
        key_.push_back(fallback->values[i]);
      } else {
        key_.push_back(Value::null());
      }
    }
  }

  asio::awaitable<bool> goes_out(const TableId& table, const snapshot::LogPoint& at) {
    switch (snap_->classify(table, key_, at)) {
      case snapshot::Verdict::Emit:
        co_return true;
      case snapshot::Verdict::Drop:
        co_return false;
      case snapshot::Verdict::AskServer:
        break;
    }
    co_await ensure_side();
    auto rs = co_await side_->query(snap_->less_sql(table, key_));
    co_return !rs.rows.empty() && !rs.rows[0].empty() && rs.rows[0][0].value_or("0") == "1";
  }

  asio::awaitable<uint64_t> emit_rows(const binlog::RowsEvent& e, const binlog::EventHeader& h,
                                      Emitter& out) {
    if (e.table == nullptr) {
      co_return 0;
    }
    auto it = schema_by_id_.find(e.table_id);
    if (it == schema_by_id_.end() || it->second == nullptr) {
      co_return 0;  // not captured
    }
    const TableSchema* schema = it->second;
    if (skip_before_ms_ > 0) {
      // scan.startup.mode timestamp: skip transactions committed before the start's second
      // (MariaDB logs whole seconds).
      const int64_t at_ms = txn_commit_ms_ != 0 ? txn_commit_ms_ : int64_t{h.timestamp} * 1000;
      if (at_ms / 1000 < skip_before_ms_ / 1000) {
        co_return 0;
      }
      skip_before_ms_ = 0;  // the stream is in commit order: the rest is after the start
    }
    // While the table is being copied, a row change goes out only when the copy does not hold
    // it already (Snapshotter::classify()).
    const std::vector<size_t>* keys =
        snap_ && snap_->deciding() ? snap_->key_columns(schema->id()) : nullptr;
    const snapshot::LogPoint at{file_, h.start_pos()};
    ChangeEvent ce;
    ce.schema = schema;
    ce.commit_ms = txn_commit_ms_ != 0 ? txn_commit_ms_ : int64_t{h.timestamp} * 1000;
    Op op = Op::Update;
    switch (e.kind) {
      case binlog::RowsKind::Write:
        op = Op::Insert;
        break;
      case binlog::RowsKind::Delete:
        op = Op::Delete;
        break;
      default:
        break;
    }
    binlog::RowReader reader = decoder_.rows(e);
    binlog::RowChange rc;
    uint64_t n = 0;
    while (reader.next(rc)) {
      ++txn_rows_;
      if (skip_rows_ > 0) {
        --skip_rows_;
        continue;
      }
      ce.op = op;
      ce.before = rc.before;
      ce.after = rc.after;
      if (keys != nullptr) {
        const TableId& table = schema->id();
        bool before_out = false;
        bool after_out = false;
        if (op != Op::Insert) {
          row_key(rc.before, nullptr, *keys);
          before_out = co_await goes_out(table, at);
        }
        if (op != Op::Delete) {
          row_key(rc.after, op == Op::Update ? &rc.before : nullptr, *keys);
          after_out = co_await goes_out(table, at);
        }
        if (op == Op::Update && before_out != after_out) {
          // The key moved between a copied range and one still to copy: only its side that
          // the copy does not hold goes out.
          ce.op = before_out ? Op::Delete : Op::Insert;
          if (before_out) {
            ce.after = RowImage();
          } else {
            ce.before = RowImage();
          }
        } else if (!(op == Op::Insert ? after_out : before_out)) {
          continue;
        }
      }
      out.event(ce);
      ++n;
    }
    rows_ += n;
    co_return n;
  }

  SourceContext ctx_;
  MysqlSettings s_;
  std::shared_ptr<asio::steady_timer> wake_;  // binlog data or snapshot rows arrived
  TableTracker tracker_;
  binlog::EventDecoder decoder_;
  ServerFacts facts_;
  std::shared_ptr<Stream> stream_;
  std::unique_ptr<protocol::Connection> side_;
  asio::steady_timer backoff_;
  std::string drain_;
  size_t drain_pos_ = 0;

  std::string file_;
  BinlogPosition boundary_;  // after the last transaction
  bool moved_ = false;
  bool in_txn_ = false;
  uint64_t txn_rows_ = 0;   // rows of the open transaction emitted
  uint64_t skip_rows_ = 0;  // after a reconnect: rows of the open transaction sent before
  int64_t txn_commit_ms_ = 0;
  int64_t skip_before_ms_ = 0;
  MysqlGtidSet mysql_state_;
  bool mysql_state_known_ = false;
  MariaGtidList maria_state_;
  std::optional<std::pair<std::string, uint64_t>> pending_mysql_;
  std::optional<MariaGtid> pending_maria_;
  std::unordered_map<uint64_t, const TableSchema*> schema_by_id_;
  std::shared_ptr<snapshot::Snapshotter> snap_;
  bool snap_copying_ = false;                  // rows still to come from the snapshot
  std::vector<SchemaChange> pending_changes_;  // tables to copy, announced by the first poll
  std::vector<Value> key_;
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
  uint64_t rows_ = 0;
};

}  // namespace

SourceFactory mysql_source_factory() {
  SourceFactory f;
  f.type = "mysql";
  f.options = &mysql_options();
  f.create = [](const SourceContext& ctx, const config::OptionValues& o) {
    return std::make_unique<MysqlSource>(ctx, o);
  };
  f.check = check_mysql_options;
  return f;
}

}  // namespace starcdc::mysql
