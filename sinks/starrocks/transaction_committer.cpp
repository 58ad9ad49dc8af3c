#include "sinks/starrocks/transaction_committer.hpp"

#include <strings.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>

#include "pipeline/checkpoint/checkpoint_record.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sinks/starrocks/label.hpp"
#include "sinks/starrocks/starrocks_events.hpp"
#include "sinks/starrocks/type_mapping.hpp"

namespace starcdc::starrocks {
namespace {

constexpr auto kMaxBackoff = std::chrono::seconds(30);
constexpr auto kStatePollLimit = std::chrono::seconds(60);

bool contains(const std::string& text, const char* needle) {
  return strcasestr(text.c_str(), needle) != nullptr;
}

// Rejections that repeat however often the request is sent: bad data.
bool data_error(const LoadReply& r) {
  return contains(r.message, "too many filtered rows") ||
         contains(r.message, "primary key size exceed") ||
         contains(r.message, "Label format error");
}

// The table is not what the sink expects (missing, or not a Primary Key table): StarRocks
// refuses the sink as configured, exit 3.
bool schema_error(const LoadReply& r) {
  return contains(r.message, "unknown table") || contains(r.message, "unknown database") ||
         contains(r.message, "Only primary key table support partial update") ||
         contains(r.message, "Unknown column");
}

// StarRocks' own rate limits: too many tablet versions (loads outrun compaction), too many
// running transactions in the database. Sending the same again soon fails the same way; fewer,
// larger transactions help.
bool overload_error(const LoadReply& r) {
  return contains(r.message, "too many versions") || contains(r.message, "current running txns") ||
         contains(r.message, "too many running txns");
}

bool access_error(const LoadReply& r) {
  return contains(r.message, "Access denied") || schema_error(r);
}

TableId table_from(const std::string& name) {
  const auto dot = name.find('.');
  return TableId{name.substr(0, dot), dot == std::string::npos ? "" : name.substr(dot + 1)};
}

int64_t ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               t0)
      .count();
}

std::string random_run_id() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

[[noreturn]] void throw_rejected(const TableId& table, const std::string& label,
                                 const std::string& what, const LoadReply& r) {
  if (access_error(r)) {
    throw Error(ErrorKind::Refused, "StarRocks refused " + what + ": " + r.describe(),
                table.str() + " label " + label, "grant the sink's user INSERT on the table");
  }
  if (data_error(r)) {
    throw Error(ErrorKind::Data, "StarRocks rejected " + what + ": " + r.describe(),
                table.str() + " label " + label,
                "the rows do not fit the table; see the rejected rows, fix the table or the data");
  }
  if (overload_error(r)) {
    throw Error(ErrorKind::Overloaded, "StarRocks refused " + what + ": " + r.describe(),
                table.str() + " label " + label,
                "the pipeline restarts from its last checkpoint with a wider checkpoint interval");
  }
  throw Error(ErrorKind::Transient, "StarRocks failed " + what + ": " + r.describe(),
              table.str() + " label " + label, "the pipeline restarts from its last checkpoint");
}

}  // namespace

TransactionCommitter::TransactionCommitter(asio::io_context& io, SinkSettings settings)
    : settings_(std::move(settings)),
      api_(io, settings_),
      sql_(settings_),
      timer_(io),
      run_id_(random_run_id()) {}

asio::awaitable<void> TransactionCommitter::backoff(int attempt, std::string what,
                                                    std::string error) {
  auto wait = settings_.retry_interval * (1LL << std::min(attempt, 10));
  if (wait > kMaxBackoff) {
    wait = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff);
  }
  thread_local std::mt19937 rng{std::random_device{}()};
  wait = wait * (75 + static_cast<int64_t>(rng() % 50)) / 100;  // ±25% jitter
  starrocks_events::request_retried(what, error, attempt + 1, wait.count());
  timer_.expires_after(wait);
  co_await timer_.async_wait(asio::use_awaitable);
}

Headers TransactionCommitter::load_headers_for(const TableSchema* schema,
                                               const std::vector<uint64_t>& columns) const {
  Headers h;
  const ColumnMask present{columns.empty() ? nullptr : columns.data()};
  std::string names;
  if (schema != nullptr) {
    for (size_t i = 0; i < schema->columns().size(); ++i) {
      if (present.has(i)) {
        names += quote_identifier(schema->columns()[i].name) + ",";
      }
    }
  }
  names += "__op";
  if (settings_.format == BodyFormat::Json) {
    h.emplace_back("format", "json");
    h.emplace_back("strip_outer_array", "true");
    h.emplace_back("ignore_json_size", "true");
    if (settings_.compression != Compression::None) {
      h.emplace_back("compression", compression_header_value(settings_.compression));
    }
    if (!columns.empty()) {
      h.emplace_back("columns", names);
    }
  } else {
    h.emplace_back("format", compressed_csv_format(settings_.compression));
    h.emplace_back("column_separator", settings_.column_separator);
    h.emplace_back("row_delimiter", settings_.row_delimiter);
    if (settings_.semantic == Semantic::AtLeastOnce) {
      // Plain Stream Load reads these (transaction loads do not): see CsvRowEncoder.
      h.emplace_back("enclose", "\"");
      h.emplace_back("escape", "\\");
    }
    h.emplace_back("columns", names);
  }
  if (!columns.empty()) {
    // Rows without some columns (binlog_row_image MINIMAL/NOBLOB): update only those present.
    h.emplace_back("partial_update", "true");
  }
  if (settings_.load_headers.count("strict_mode") == 0) {
    // A value that does not fit its column fails the load (and stops the pipeline before the
    // checkpoint) instead of silently becoming NULL.
    h.emplace_back("strict_mode", "true");
  }
  for (const auto& [k, v] : settings_.load_headers) {
    h.emplace_back(k, v);
  }
  return h;
}

std::vector<std::string_view> TransactionCommitter::framed(const LoadChunk& chunk,
                                                           std::string& packed) const {
  const std::string_view rows = chunk.bytes.view();
  std::vector<std::string_view> parts{rows};
  if (settings_.format == BodyFormat::Json) {
    // Rows end with ','; the body is one array.
    parts = {"[", rows.substr(0, rows.empty() ? 0 : rows.size() - 1), "]"};
  }
  if (settings_.compression == Compression::None) {
    return parts;
  }
  compress_body(settings_.compression, parts, packed);
  return {packed};
}

asio::awaitable<std::string> TransactionCommitter::state_of(std::string database,
                                                            std::string label) {
  for (int attempt = 0;; ++attempt) {
    std::string problem;
    try {
      LoadReply r = co_await api_.load_state(database, label);
      if (r.http_status == 200 && !r.state.empty()) {
        co_return r.state;
      }
      problem = r.describe();
    } catch (const HttpError& e) {
      problem = std::string("cannot reach StarRocks: ") + e.what();
    }
    if (attempt >= settings_.max_retries) {
      throw Error(ErrorKind::Transient, "cannot read the state of " + label + ": " + problem,
                  database, "check that the StarRocks FE is up");
    }
    co_await backoff(attempt, "get_load_state " + label, problem);
  }
}

asio::awaitable<std::string> TransactionCommitter::settled_state(std::string database,
                                                                 std::string label) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    std::string state = co_await state_of(database, label);
    if (state != "PREPARE" || std::chrono::steady_clock::now() - t0 > kStatePollLimit) {
      co_return state;
    }
    timer_.expires_after(std::chrono::milliseconds(std::min(100 * (1 << std::min(i, 5)), 2000)));
    co_await timer_.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> TransactionCommitter::rollback(TableId table, std::string label) {
  for (int attempt = 0;; ++attempt) {
    std::string problem;
    try {
      LoadReply r = co_await api_.transaction("rollback", table, label, {});
      if (r.ok() || contains(r.message, "already aborted") || r.status_is("TXN_NOT_EXISTS")) {
        co_return;
      }
      problem = r.describe();
    } catch (const HttpError& e) {
      problem = std::string("cannot reach StarRocks: ") + e.what();
    }
    if (attempt >= settings_.max_retries) {
      log::warn("sink.starrocks",
                "Could not roll back a transaction; StarRocks aborts it at its timeout.",
                {{"label", std::string_view(label)}, {"error", std::string_view(problem)}});
      co_return;
    }
    co_await backoff(attempt, "rollback " + label, problem);
  }
}

asio::awaitable<void> TransactionCommitter::begin(OpenTxn& txn) {
  Headers h;
  h.emplace_back("timeout", std::to_string(settings_.txn_timeout.count()));
  if (settings_.idle_txn_timeout.count() > 0) {
    h.emplace_back("idle_transaction_timeout", std::to_string(settings_.idle_txn_timeout.count()));
  }
  for (int attempt = 0;; ++attempt) {
    LoadReply r;
    std::string unreachable;
    try {
      r = co_await api_.transaction("begin", txn.table, txn.label, h);
    } catch (const HttpError& e) {
      unreachable = e.what();
    }
    if (!unreachable.empty()) {
      if (attempt >= settings_.max_retries) {
        throw Error(ErrorKind::Transient, "cannot reach StarRocks: " + unreachable,
                    txn.table.str() + " label " + txn.label, "check that the FE is up");
      }
      co_await backoff(attempt, "begin " + txn.label, unreachable);
      continue;
    }
    if (r.ok()) {
      starrocks_events::transaction_begun(txn.table.str(), txn.label);
      co_return;
    }
    if (r.status_is("LABEL_ALREADY_EXISTS") || r.status_is("Label Already Exists")) {
      // Begun before: by a run that crashed after beginning it (its rows are not ours to keep),
      // or by this run when the reply got lost. Either way: roll it back and begin afresh.
      const std::string state = co_await state_of(txn.table.database, txn.label);
      if (state == "COMMITTED" || state == "VISIBLE") {
        throw Error(ErrorKind::Data,
                    "label " + txn.label +
                        " is already committed in StarRocks, but the "
                        "checkpoint does not record it",
                    txn.table.str(),
                    "another pipeline uses the same sink.label-prefix, or the state directory "
                    "was restored from an older backup; give each pipeline its own prefix");
      }
      if (state == "PREPARE" || state == "PREPARED") {
        starrocks_events::lingering_rolled_back(txn.table.str(), txn.label, state);
        co_await rollback(txn.table, txn.label);
      }
      if (attempt >= settings_.max_retries) {
        throw_rejected(txn.table, txn.label, "begin", r);
      }
      co_await backoff(attempt, "begin " + txn.label, r.describe());
      continue;
    }
    if (access_error(r) || data_error(r) || attempt >= settings_.max_retries) {
      throw_rejected(txn.table, txn.label, "begin", r);
    }
    co_await backoff(attempt, "begin " + txn.label, r.describe());
  }
}

asio::awaitable<void> TransactionCommitter::load_into(OpenTxn& txn, const LoadChunk& chunk) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string packed;
  const std::vector<std::string_view> body = framed(chunk, packed);
  for (int attempt = 0;; ++attempt) {
    LoadReply r;
    std::optional<HttpError> failure;
    try {
      r = co_await api_.transaction("load", txn.table, txn.label, txn.load_headers, body);
    } catch (const HttpError& e) {
      failure = e;
    }
    if (failure) {
      if (!failure->maybe_delivered() && attempt < settings_.max_retries) {
        co_await backoff(attempt, "load " + txn.label, failure->what());
        continue;
      }
      // The body may have been applied: the transaction's content is unknown. Replaying the
      // epoch from the last checkpoint is the only exact way on.
      throw Error(ErrorKind::Transient,
                  std::string("the outcome of a load is unknown: ") + failure->what(),
                  txn.table.str() + " label " + txn.label,
                  "the pipeline restarts from its last checkpoint");
    }
    if (r.ok()) {
      txn.rows += chunk.rows;
      starrocks_events::load_sent(chunk.bytes.size(), chunk.rows, ms_since(t0));
      co_return;
    }
    if (r.status_is("TXN_IN_PROCESSING") && attempt < settings_.max_retries) {
      co_await backoff(attempt, "load " + txn.label, r.describe());
      continue;
    }
    // A failed load rolls the transaction back in StarRocks.
    throw_rejected(txn.table, txn.label, "a load", r);
  }
}

asio::awaitable<void> TransactionCommitter::load_plain(const LoadChunk& chunk) {
  const std::string label =
      make_batch_label(settings_.label_prefix, chunk.table, chunk.epoch, ++batch_seq_, run_id_);
  const Headers headers = load_headers_for(chunk.schema, chunk.columns);
  const auto t0 = std::chrono::steady_clock::now();
  std::string packed;
  const std::vector<std::string_view> body = framed(chunk, packed);
  for (int attempt = 0;; ++attempt) {
    LoadReply r;
    std::string unreachable;
    try {
      r = co_await api_.stream_load(chunk.table, label, headers, body);
    } catch (const HttpError& e) {
      unreachable = e.what();
    }
    if (!unreachable.empty()) {
      // Sending the same label again is safe: StarRocks keeps one load per label.
      if (attempt < settings_.max_retries) {
        co_await backoff(attempt, "stream load " + label, unreachable);
        continue;
      }
      throw Error(ErrorKind::Transient, "cannot reach StarRocks: " + unreachable,
                  chunk.table.str() + " label " + label, "check that StarRocks is up");
    }
    if (r.ok()) {
      starrocks_events::load_sent(chunk.bytes.size(), chunk.rows, ms_since(t0));
      co_return;
    }
    if (r.status_is("Label Already Exists")) {
      if (r.existing_job_status == "FINISHED") {
        co_return;  // a retry of a load that went through
      }
      const std::string state = co_await settled_state(chunk.table.database, label);
      if (state == "COMMITTED" || state == "VISIBLE") {
        co_return;
      }
    } else if (access_error(r) || data_error(r)) {
      throw_rejected(chunk.table, label, "a stream load", r);
    }
    if (attempt >= settings_.max_retries) {
      throw_rejected(chunk.table, label, "a stream load", r);
    }
    co_await backoff(attempt, "stream load " + label, r.describe());
  }
}

asio::awaitable<void> TransactionCommitter::load(const LoadChunk& chunk) {
  if (settings_.semantic == Semantic::AtLeastOnce) {
    co_await load_plain(chunk);
    co_return;
  }
  auto& txns = open_[std::make_pair(chunk.epoch, chunk.table)];
  if (txns.empty() || txns.back().columns != chunk.columns) {
    // A table's first rows in the epoch, or rows with another column set: a new transaction,
    // committed after the ones before it so later changes win.
    OpenTxn txn;
    txn.table = chunk.table;
    txn.label = make_label(settings_.label_prefix, chunk.table, chunk.epoch, txns.size());
    txn.columns = chunk.columns;
    txn.load_headers = load_headers_for(chunk.schema, chunk.columns);
    co_await begin(txn);
    txns.push_back(std::move(txn));
  }
  co_await load_into(txns.back(), chunk);
}

asio::awaitable<std::vector<PreparedTxn>> TransactionCommitter::prepare(uint64_t epoch) {
  std::vector<PreparedTxn> out;
  for (auto it = open_.begin(); it != open_.end();) {
    if (it->first.first != epoch) {
      ++it;
      continue;
    }
    for (OpenTxn& txn : it->second) {
      co_await prepare_one(txn);
      out.push_back(PreparedTxn{txn.table, txn.label, txn.rows, 0});
    }
    it = open_.erase(it);
  }
  co_return out;
}

asio::awaitable<void> TransactionCommitter::prepare_one(OpenTxn& txn) {
  LoadReply r;
  bool answered = false;
  for (int attempt = 0;; ++attempt) {
    std::optional<HttpError> failure;
    try {
      r = co_await api_.transaction("prepare", txn.table, txn.label, {});
      answered = true;
    } catch (const HttpError& e) {
      failure = e;
    }
    if (answered || failure->maybe_delivered() || attempt >= settings_.max_retries) {
      break;  // without an answer: settle through the label's state
    }
    co_await backoff(attempt, "prepare " + txn.label, failure->what());
  }
  if (!(answered && r.ok())) {
    if (answered && (access_error(r) || data_error(r))) {
      throw_rejected(txn.table, txn.label, "prepare", r);
    }
    const std::string state = co_await settled_state(txn.table.database, txn.label);
    if (state != "PREPARED") {
      throw Error(ErrorKind::Transient,
                  "prepare of " + txn.label + " failed (state " + state + ")" +
                      (answered ? ": " + r.describe() : ""),
                  txn.table.str(), "the pipeline restarts from its last checkpoint");
    }
  }
}

asio::awaitable<bool> TransactionCommitter::commit_one(TableId table, std::string label) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    LoadReply r;
    bool answered = false;
    std::optional<HttpError> failure;
    try {
      r = co_await api_.transaction("commit", table, label, {});
      answered = true;
    } catch (const HttpError& e) {
      failure = e;
    }
    if (failure && !failure->maybe_delivered() && attempt < settings_.max_retries) {
      co_await backoff(attempt, "commit " + label, failure->what());
      continue;
    }
    if (answered && r.ok()) {
      starrocks_events::transaction_committed(table.str(), label, 0, ms_since(t0));
      co_return true;
    }
    if (answered && access_error(r)) {
      throw_rejected(table, label, "commit", r);
    }
    const std::string state = co_await settled_state(table.database, label);
    if (state == "COMMITTED" || state == "VISIBLE") {
      starrocks_events::transaction_committed(table.str(), label, 0, ms_since(t0));
      co_return true;
    }
    if (state == "ABORTED" || state == "UNKNOWN" || attempt >= settings_.max_retries) {
      starrocks_events::recorded_transaction_lost(label, state);
      co_return false;
    }
    co_await backoff(attempt, "commit " + label, answered ? r.describe() : "no answer");
  }
}

asio::awaitable<void> TransactionCommitter::commit(uint64_t epoch, std::vector<PreparedTxn> txns) {
  if (settings_.semantic == Semantic::AtLeastOnce) {
    co_return;
  }
  for (const auto& t : txns) {
    if (!co_await commit_one(t.table, t.label)) {
      throw Error(ErrorKind::Transient,
                  "transaction " + t.label + " of epoch " + std::to_string(epoch) +
                      " was recorded but StarRocks no longer has it prepared",
                  t.table.str(), "the pipeline restarts and replays the epoch");
    }
  }
}

asio::awaitable<void> TransactionCommitter::abort(uint64_t /*epoch*/,
                                                  std::vector<PreparedTxn> txns) {
  for (const auto& t : txns) {
    co_await rollback(t.table, t.label);
  }
}

asio::awaitable<bool> TransactionCommitter::recover(const CheckpointRecord* last) {
  if (last == nullptr || settings_.semantic == Semantic::AtLeastOnce) {
    co_return true;
  }
  bool intact = true;
  if (!last->committed) {
    // First the labels StarRocks lost: ABORTED, or UNKNOWN when a commit cannot settle it (an
    // FE that still remembers the label may). If any is lost the epoch is replayed, so its
    // PREPARED transactions are rolled back rather than committed (committing them would apply
    // their rows twice in Duplicate Key tables).
    std::vector<std::pair<const PreparedTxn*, std::string>> pending;
    for (const auto& t : last->prepared) {
      std::string state = co_await settled_state(t.table.database, t.label);
      if (state == "UNKNOWN" && co_await commit_one(t.table, t.label)) {
        state = "COMMITTED";
      }
      if (state == "ABORTED" || state == "UNKNOWN") {
        starrocks_events::recorded_transaction_lost(t.label, state);
        intact = false;
      } else if (state != "COMMITTED" && state != "VISIBLE") {
        pending.emplace_back(&t, state);
      }
    }
    for (const auto& [t, state] : pending) {
      if (!intact) {
        starrocks_events::lingering_rolled_back(t->table.str(), t->label, state);
        co_await rollback(t->table, t->label);
      } else if (co_await commit_one(t->table, t->label)) {
        starrocks_events::recorded_transaction_committed(t->label, state);
      } else {
        intact = false;
      }
    }
  }
  // Transactions begun for the epoch after the record (never recorded) are rolled back.
  std::set<TableId> tables;
  for (const auto& [name, counters] : last->tables) {
    tables.insert(table_from(name));
  }
  for (const auto& t : last->prepared) {
    tables.insert(t.table);
  }
  for (const auto& table : tables) {
    // Epochs are dense: whatever was begun after the record belongs to epoch + 1, in segments
    // 0, 1, ... begun in order.
    for (uint64_t segment = 0;; ++segment) {
      const std::string label = make_label(settings_.label_prefix, table, last->epoch + 1, segment);
      const std::string state = co_await state_of(table.database, label);
      if (state == "PREPARE" || state == "PREPARED") {
        starrocks_events::lingering_rolled_back(table.str(), label, state);
        co_await rollback(table, label);
      } else if (state == "UNKNOWN") {
        break;
      }
    }
  }
  co_return intact;
}

asio::awaitable<bool> TransactionCommitter::column_exists(TableId table, std::string column) {
  auto rows = co_await sql_.query(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
          sql_string_literal(table.database) + " AND TABLE_NAME = " +
          sql_string_literal(table.table) + " AND COLUMN_NAME = " + sql_string_literal(column),
      "information_schema.COLUMNS of " + table.str());
  co_return !rows.empty();
}

asio::awaitable<void> TransactionCommitter::add_missing_columns(const TableSchema& schema,
                                                                TableId t) {
  // The table existed (a restart, or a table made earlier): columns the source has and it lacks
  // were added upstream while nobody applied them; without them their values would be dropped.
  // An ALTER submitted before a restart may still run: its column shows once it finished.
  co_await wait_alter_finished(t);
  auto rows = co_await sql_.query(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
          sql_string_literal(t.database) + " AND TABLE_NAME = " + sql_string_literal(t.table),
      "information_schema.COLUMNS of " + t.str());
  std::set<std::string> have;
  for (const auto& r : rows) {
    if (!r.empty() && r[0]) {
      have.insert(*r[0]);
    }
  }
  for (const auto& c : schema.columns()) {
    if (have.count(c.name) != 0) {
      continue;
    }
    starrocks_events::ddl_applied(t.str(), co_await add_column(t, c), 0);
  }
}

namespace {

// Where an added column goes: AFTER the column it follows upstream when StarRocks allows it
// there (not among the key columns, which come first); at the end otherwise, also for FIRST
// (StarRocks refuses FIRST before key columns).
std::string placement(const SchemaChange& change) {
  if (change.after_column.empty() || change.schema == nullptr) {
    return "";
  }
  const int i = change.schema->find_column(change.after_column);
  if (i < 0) {
    return "";
  }
  const auto key = change.schema->primary_key();
  const bool is_key = std::find(key.begin(), key.end(), static_cast<uint16_t>(i)) != key.end();
  if (is_key && key.back() != static_cast<uint16_t>(i)) {
    return "";
  }
  return change.after_column;
}

// The StarRocks DEFAULT clause for a MySQL/MariaDB COLUMN_DEFAULT: ' DEFAULT "7"', or "" when it
// is an expression StarRocks cannot take.
std::string default_clause(const std::string& d, const std::string& mapped_type) {
  if (d.empty() || d.rfind("b'", 0) == 0 || d.rfind("x'", 0) == 0 || d.rfind("0x", 0) == 0) {
    return "";  // bit and hex literals: not carried
  }
  std::string lower;
  for (const char ch : d) {
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  if (lower == "current_timestamp" || lower == "current_timestamp()" || lower == "now()") {
    return mapped_type.rfind("DATETIME", 0) == 0 ? " DEFAULT CURRENT_TIMESTAMP" : "";
  }
  std::string value;
  if (d.size() >= 2 && d.front() == '\'' && d.back() == '\'') {
    for (size_t i = 1; i + 1 < d.size(); ++i) {
      if (d[i] == '\'' && i + 2 < d.size() && d[i + 1] == '\'') {
        ++i;
      }
      value.push_back(d[i]);
    }
  } else if (d.find_first_not_of("+-.0123456789eE") == std::string::npos) {
    value = d;
  } else if (d.find('(') == std::string::npos) {
    value = d;  // MySQL's unquoted literal text
  } else {
    return "";  // an expression
  }
  std::string out = " DEFAULT \"";
  for (const char ch : value) {
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
    }
    out.push_back(ch);
  }
  return out + "\"";
}

}  // namespace

asio::awaitable<std::string> TransactionCommitter::add_column(TableId t, Column c,
                                                              const std::string& default_value,
                                                              const std::string& after) {
  std::string error;
  auto mapped = map_type(c, false, settings_.char_bytes, &error);
  if (!mapped) {
    throw Error(ErrorKind::Data, "cannot add the column: " + error, t.str(), "");
  }
  std::string statement = "ALTER TABLE " + quote_identifier(t.database) + "." +
                          quote_identifier(t.table) + " ADD COLUMN " + quote_identifier(c.name) +
                          " " + mapped->sql + " NULL" + default_clause(default_value, mapped->sql) +
                          (after.empty() ? "" : " AFTER " + quote_identifier(after));
  co_await sql_.execute(statement, "ALTER TABLE " + t.str());
  co_await wait_alter_finished(t);
  co_return statement;
}

asio::awaitable<void> TransactionCommitter::wait_alter_finished(TableId table) {
  const auto deadline = std::chrono::steady_clock::now() + settings_.schema_change_timeout;
  // Rows wait behind the job: poll soon (a light schema change takes well under a second), then
  // back off to 100 ms.
  auto pause = std::chrono::milliseconds(10);
  for (;;) {
    auto rows =
        co_await sql_.query("SHOW ALTER TABLE COLUMN FROM " + quote_identifier(table.database) +
                                " WHERE TableName = " + sql_string_literal(table.table) +
                                " ORDER BY JobId DESC LIMIT 1",
                            "SHOW ALTER TABLE COLUMN for " + table.str());
    // Columns: JobId, TableName, CreateTime, FinishTime, IndexName, IndexId, OriginIndexId,
    // SchemaVersion, TransactionId, State, Msg, ...
    if (rows.empty() || rows[0].size() < 11) {
      co_return;
    }
    const std::string state = rows[0][9].value_or("");
    if (state == "FINISHED") {
      co_return;
    }
    if (state == "CANCELLED") {
      throw Error(ErrorKind::Data, "StarRocks cancelled the ALTER job: " + rows[0][10].value_or(""),
                  table.str(), "see SHOW ALTER TABLE COLUMN on the FE");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(ErrorKind::Transient, "the ALTER job did not finish in time (" + state + ")",
                  table.str(), "raise table.schema-change.timeout");
    }
    timer_.expires_after(pause);
    co_await timer_.async_wait(asio::use_awaitable);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

asio::awaitable<void> TransactionCommitter::apply(SchemaChange change) {
  const auto t0 = std::chrono::steady_clock::now();
  const TableId& t = change.table;
  const std::string qualified = quote_identifier(t.database) + "." + quote_identifier(t.table);
  std::string statement;
  std::string error;
  if (change.kind != SchemaChangeKind::CreateTable) {
    // An ALTER submitted before a restart may still run; StarRocks allows one per table.
    co_await wait_alter_finished(t);
  }
  switch (change.kind) {
    case SchemaChangeKind::CreateTable: {
      co_await sql_.execute("CREATE DATABASE IF NOT EXISTS " + quote_identifier(t.database),
                            "CREATE DATABASE " + t.database);
      auto sql = create_table_sql(*change.schema, t, settings_.char_bytes, settings_.num_buckets,
                                  settings_.table_properties, &error);
      if (!sql) {
        throw Error(ErrorKind::Data, "cannot create the StarRocks table: " + error, t.str(),
                    error.find("primary key") != std::string::npos
                        ? "give the source table a primary key"
                        : "see the type mapping in docs/connectors.md; exclude the table or "
                          "change the column's type upstream");
      }
      statement = *sql;
      co_await sql_.execute(statement, "CREATE TABLE " + t.str());
      co_await add_missing_columns(*change.schema, t);
      break;
    }
    case SchemaChangeKind::AddColumn: {
      if (co_await column_exists(t, change.column)) {
        co_return;  // applied before a restart
      }
      Column column = change.definition;
      column.name = change.column;
      statement =
          co_await add_column(t, std::move(column), change.default_value, placement(change));
      break;
    }
    case SchemaChangeKind::DropColumn:
      if (!co_await column_exists(t, change.column)) {
        co_return;  // dropped before a restart
      }
      statement = "ALTER TABLE " + qualified + " DROP COLUMN " + quote_identifier(change.column);
      co_await sql_.execute(statement, "ALTER TABLE " + t.str());
      co_await wait_alter_finished(t);
      break;
    case SchemaChangeKind::RenameColumn:
      if (!co_await column_exists(t, change.column) && co_await column_exists(t, change.new_name)) {
        co_return;  // renamed before a restart
      }
      statement = "ALTER TABLE " + qualified + " RENAME COLUMN " + quote_identifier(change.column) +
                  " TO " + quote_identifier(change.new_name);
      co_await sql_.execute(statement, "ALTER TABLE " + t.str());
      break;
    case SchemaChangeKind::AlterColumnType: {
      auto mapped = map_type(change.definition, false, settings_.char_bytes, &error);
      if (!mapped) {
        throw Error(ErrorKind::Data, "cannot change the column type: " + error, t.str(), "");
      }
      statement = "ALTER TABLE " + qualified + " MODIFY COLUMN " + quote_identifier(change.column) +
                  " " + mapped->sql + " NULL";
      co_await sql_.execute(statement, "ALTER TABLE " + t.str());
      co_await wait_alter_finished(t);
      break;
    }
    case SchemaChangeKind::TruncateTable:
      statement = "TRUNCATE TABLE " + qualified;
      co_await sql_.execute(statement, "TRUNCATE TABLE " + t.str());
      break;
    case SchemaChangeKind::DropTable:
      statement = "DROP TABLE IF EXISTS " + qualified;
      co_await sql_.execute(statement, "DROP TABLE " + t.str());
      break;
  }
  starrocks_events::ddl_applied(t.str(), statement, ms_since(t0));
}

}  // namespace starcdc::starrocks
