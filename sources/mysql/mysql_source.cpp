#include "sources/mysql/mysql_source.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"
#include "sources/mysql/binlog/events.hpp"
#include "sources/mysql/binlog/rows_event.hpp"
#include "sources/mysql/binlog/table_map.hpp"
#include "sources/mysql/mysql_events.hpp"
#include "sources/mysql/mysql_options.hpp"
#include "sources/mysql/position/gtid_set.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/server_session.hpp"
#include "sources/mysql/table_tracker.hpp"

namespace starcdc::mysql {
namespace {

using binlog::DecodedEvent;

constexpr auto kIdleWait = std::chrono::milliseconds(100);
constexpr size_t kMaxBuffered = 16 << 20;  // raw event bytes read ahead of decoding

// The dump connection and what its reader coroutine hands over: raw events framed as a 4-byte
// length and the bytes. Shared by the source and the reader, which may outlive a reconnect.
struct Stream {
  explicit Stream(asio::io_context& io) : data_ready(io), space_ready(io) {}
  std::unique_ptr<protocol::Connection> conn;
  std::unique_ptr<protocol::BinlogStream> stream;
  std::string fill;
  std::exception_ptr error;
  bool closing = false;
  asio::steady_timer data_ready;
  asio::steady_timer space_ready;
};

asio::awaitable<void> read_events(std::shared_ptr<Stream> s) {
  try {
    for (;;) {
      while (s->fill.size() >= kMaxBuffered && !s->closing) {
        s->space_ready.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await s->space_ready.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (s->closing) {
        co_return;
      }
      auto ev = co_await s->stream->next();
      if (!ev) {
        // A blocking dump never ends by itself: the server is shutting down.
        throw Error(ErrorKind::Transient, "the server ended the binlog stream (shutting down?)",
                    s->conn->options().endpoint());
      }
      const auto n = static_cast<uint32_t>(ev->size());
      char len[4];
      std::memcpy(len, &n, 4);
      s->fill.append(len, 4);
      s->fill.append(reinterpret_cast<const char*>(ev->data()), ev->size());
      s->data_ready.cancel();
    }
  } catch (...) {
    if (!s->closing) {
      s->error = std::current_exception();
    }
    s->data_ready.cancel();
  }
}

bool starts_with_word(std::string_view sql, std::string_view word) {
  while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.front())) != 0)) {
    sql.remove_prefix(1);
  }
  if (sql.size() < word.size()) {
    return false;
  }
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[i])) != word[i]) {
      return false;
    }
  }
  return sql.size() == word.size() ||
         std::isalnum(static_cast<unsigned char>(sql[word.size()])) == 0;
}

class MysqlSource : public Source {
 public:
  MysqlSource(const SourceContext& ctx, const config::OptionValues& o)
      : ctx_(ctx),
        s_(mysql_settings_from(o)),
        tracker_(ctx.schemas, s_.tables, s_.exclude),
        decoder_(decoder_options(s_)),
        backoff_(ctx.io) {}

  asio::awaitable<void> open(std::optional<Position> resume_after) override {
    auto c = co_await connect_source(ctx_.io, s_);
    facts_ = co_await inspect_server(*c, s_);
    if (resume_after && !resume_after->empty()) {
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
    co_await start_stream(std::move(c));
  }

  asio::awaitable<PollResult> poll(Emitter& out, uint64_t max_events) override {
    uint64_t emitted = 0;
    moved_ = false;
    while (emitted < max_events) {
      if (drain_pos_ >= drain_.size()) {
        if (stream_->fill.empty()) {
          if (stream_->error) {
            co_await recover_stream();
            continue;
          }
          if (emitted > 0 || moved_) {
            break;
          }
          stream_->data_ready.expires_after(kIdleWait);
          boost::system::error_code ec;
          co_await stream_->data_ready.async_wait(asio::redirect_error(asio::use_awaitable, ec));
          if (stream_->fill.empty() && !stream_->error) {
            co_return finish(PollStatus::Idle);
          }
          continue;
        }
        drain_.swap(stream_->fill);
        stream_->fill.clear();
        drain_pos_ = 0;
        stream_->space_ready.cancel();
      }
      uint32_t n = 0;
      std::memcpy(&n, drain_.data() + drain_pos_, 4);
      const auto* bytes = reinterpret_cast<const uint8_t*>(drain_.data() + drain_pos_ + 4);
      drain_pos_ += 4 + n;
      events_ += 1;
      bytes_ += n;
      DecodedEvent ev = decoder_.decode(std::span<const uint8_t>(bytes, n));
      if (const auto* payload = ev.as<binlog::TransactionPayloadEvent>()) {
        (void)payload;
        const binlog::EventHeader outer = ev.header;
        while (auto inner = decoder_.next_payload_event()) {
          emitted += co_await handle(*inner, &outer, out);
        }
        continue;
      }
      emitted += co_await handle(ev, nullptr, out);
    }
    mysql_events::events_read(events_, bytes_, rows_);
    events_ = bytes_ = rows_ = 0;
    co_return finish(PollStatus::Progress);
  }

  void on_committed(const Position& /*p*/) override {}

  asio::awaitable<void> close() override {
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
    if (!in_txn_ && (moved_ || status != PollStatus::Progress)) {
      boundary_.gtids = gtid_text();
      r.boundary = boundary_.to_position();
    }
    return r;
  }

  asio::awaitable<void> start_stream(std::unique_ptr<protocol::Connection> c) {
    auto st = std::make_shared<Stream>(ctx_.io);
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

  // information_schema through a second connection (the dump connection carries only events).
  asio::awaitable<std::vector<InfoColumn>> info_columns(const TableId& id) {
    if (!side_ || !side_->is_open()) {
      side_ = co_await connect_source(ctx_.io, s_);
    }
    auto rs = co_await side_->query(
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = " +
        sql_string_literal(id.database) + " AND TABLE_NAME = " + sql_string_literal(id.table) +
        " ORDER BY ORDINAL_POSITION");
    std::vector<InfoColumn> out;
    for (const auto& row : rs.rows) {
      InfoColumn c;
      c.name = row[0].value_or("");
      c.type = row[1].value_or("");
      c.nullable = row[2].value_or("YES") == "YES";
      c.key = row[3].value_or("") == "PRI";
      out.push_back(std::move(c));
    }
    co_return out;
  }

  void emit_changes(std::vector<SchemaChange>& changes, Emitter& out, const std::string& at) {
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
      co_return emit_rows(*rows, h, out);
    }
    if (const auto* tm = ev.as<binlog::TableMapEvent>()) {
      const binlog::TableMap& m = *tm->table;
      if (!tracker_.captured(m.database, m.table)) {
        schema_by_id_[m.table_id] = nullptr;
        co_return 0;
      }
      std::vector<InfoColumn> info;
      const TableSchema* known = tracker_.find(m.id());
      const bool same_shape = known != nullptr && known->columns().size() == m.columns.size() &&
                              (!m.present.names || !tm->changed);
      if (!m.present.names && !same_shape) {
        info = co_await info_columns(m.id());
      }
      std::vector<SchemaChange> changes;
      const TableSchema* s =
          same_shape ? known : tracker_.resolve(m, m.present.names ? nullptr : &info, changes);
      emit_changes(changes, out, where(h));
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
      std::vector<SchemaChange> changes;
      for (const TableId& id : tracker_.tracked()) {
        if (TableTracker::mentions(std::string(q.sql), id)) {
          tracker_.refresh(id, co_await info_columns(id), changes);
        }
      }
      emit_changes(changes, out, where(h));
    }
    commit(h, outer);
  }

  uint64_t emit_rows(const binlog::RowsEvent& e, const binlog::EventHeader& h, Emitter& out) {
    if (e.table == nullptr) {
      return 0;
    }
    auto it = schema_by_id_.find(e.table_id);
    if (it == schema_by_id_.end() || it->second == nullptr) {
      return 0;  // not captured
    }
    const TableSchema* schema = it->second;
    if (skip_before_ms_ > 0) {
      // scan.startup.mode timestamp: skip transactions committed before the start's second
      // (MariaDB logs whole seconds).
      const int64_t at_ms = txn_commit_ms_ != 0 ? txn_commit_ms_ : int64_t{h.timestamp} * 1000;
      if (at_ms / 1000 < skip_before_ms_ / 1000) {
        return 0;
      }
      skip_before_ms_ = 0;  // the stream is in commit order: the rest is after the start
    }
    ChangeEvent ce;
    ce.schema = schema;
    ce.commit_ms = txn_commit_ms_ != 0 ? txn_commit_ms_ : int64_t{h.timestamp} * 1000;
    switch (e.kind) {
      case binlog::RowsKind::Write:
        ce.op = Op::Insert;
        break;
      case binlog::RowsKind::Delete:
        ce.op = Op::Delete;
        break;
      default:
        ce.op = Op::Update;
        break;
    }
    binlog::RowReader reader = decoder_.rows(e);
    binlog::RowChange rc;
    uint64_t n = 0;
    while (reader.next(rc)) {
      if (skip_rows_ > 0) {
        --skip_rows_;
        ++txn_rows_;
        continue;
      }
      ce.before = rc.before;
      ce.after = rc.after;
      out.event(ce);
      ++n;
      ++txn_rows_;
    }
    rows_ += n;
    return n;
  }

  SourceContext ctx_;
  MysqlSettings s_;
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
