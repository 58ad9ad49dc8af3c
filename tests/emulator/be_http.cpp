// BE HTTP handlers: plain Stream Load and the BE side of transaction Stream Load (begin, load,
// prepare, commit of a txn still in PREPARE, rollback), plus the error log of filtered rows.
// Sources: be/src/http/action/stream_load.cpp, transaction_stream_load.cpp,
// runtime/stream_load/transaction_mgr.cpp, stream_load_context.cpp (to_json, to_resp_json),
// stream_load_executor.cpp (filter ratio, publish timeout) — spec §2.5, §2.6, §3.4.
#include <random>

#include "emulator.hpp"
#include "json_builder.hpp"

namespace emu {
namespace {

std::string generate_label() {
  static std::mt19937_64 rng(std::random_device{}());
  char buf[48];
  uint64_t a = rng();
  uint64_t b = rng();
  std::snprintf(
      buf, sizeof(buf), "%08llx-%04llx-%04llx-%04llx-%012llx",
      static_cast<unsigned long long>(a >> 32), static_cast<unsigned long long>((a >> 16) & 0xffff),
      static_cast<unsigned long long>(a & 0xffff), static_cast<unsigned long long>(b >> 48),
      static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

// StreamLoadContext::to_json (plain Stream Load).
struct PlainReply {
  int64_t txn_id = -1;
  std::string label;
  std::string status = "Fail";
  std::string existing;
  std::string message;
  LoadCounters counters;
  uint64_t load_bytes = 0;
  int64_t load_ms = 0;
  std::string error_url;

  std::string json() const {
    JsonBuilder j(true);
    j.add("TxnId", txn_id).add("Label", label).add("Status", status);
    if (status == "Label Already Exists") {
      j.add("ExistingJobStatus", existing);
    }
    j.add("Message", message)
        .add("NumberTotalRows", counters.total)
        .add("NumberLoadedRows", counters.loaded)
        .add("NumberFilteredRows", counters.filtered)
        .add("NumberUnselectedRows", counters.unselected)
        .add("LoadBytes", load_bytes)
        .add("LoadTimeMs", load_ms)
        .add("BeginTxnTimeMs", int64_t{0})
        .add("StreamLoadPlanTimeMs", int64_t{0})
        .add("ReadDataTimeMs", int64_t{0})
        .add("WriteDataTimeMs", load_ms)
        .add("CommitAndPublishTimeMs", int64_t{0});
    if (!error_url.empty()) {
      j.add("ErrorURL", error_url);
    }
    return j.str();
  }
};

std::string resp(const char* status, const std::string& message) {
  return JsonBuilder(true).add("Status", status).add("Message", message).str();
}

std::string not_exists(const std::string& label, bool capital) {
  return resp("TXN_NOT_EXISTS", std::string(capital ? "Transaction" : "transaction") +
                                    " with label " + label + " not exists");
}

std::string in_processing(const std::string& label) {
  return JsonBuilder(true)
      .add("Status", "TXN_IN_PROCESSING")
      .add("Label", label)
      .add("Message", "Transaction is in processing")
      .str();
}

bool parse_seconds(const std::string& v, double* out) {
  char* end = nullptr;
  long s = std::strtol(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || s <= 0) {
    return false;
  }
  *out = static_cast<double>(s);
  return true;
}

// The bytes to parse: the body itself, or its decompressed form in *scratch. False with the
// BE's error text when the body does not decompress.
bool body_to_parse(const LoadParams& p, std::string& body, std::string* scratch, char** data,
                   size_t* size, std::string* error) {
  *data = body.data();
  *size = body.size();
  if (p.codec == Codec::kNone || body.empty()) {
    return true;
  }
  DecompressMode mode = p.json ? DecompressMode::kJsonRequest : DecompressMode::kCsvStream;
  if (!decompress_body(p.codec, mode, body.data(), body.size(), scratch, size, error)) {
    return false;
  }
  *data = scratch->data();
  return true;
}

int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

std::string body_cap_message(uint64_t size, uint64_t limit) {
  return "body size " + std::to_string(size) + " exceed limit: " + std::to_string(limit) +
         ", sizes are in bytes. You can increase the limit by setting streaming_load_max_mb in "
         "be.conf.";
}

std::string json_cap_message(uint64_t size, uint64_t limit) {
  return "The size of this batch exceed the max size [" + std::to_string(limit) +
         "]  of json type data  data [" + std::to_string(size) +
         "]. Set ignore_json_size to skip the check, although it may lead huge memory "
         "consuming.";
}

}  // namespace

awaitable<void> Emulator::handle_be(Exchange& ex) {
  const std::string& path = ex.path();
  if (path == "/api/_load_error_log") {
    auto it = error_logs_.find(ex.query("file"));
    if (it == error_logs_.end()) {
      ex.reply(http::status::not_found, "error log not found\n", "text/plain");
    } else {
      ex.reply(http::status::ok, it->second, "text/plain; charset=utf-8");
    }
    co_return;
  }
  if (path.rfind("/api/transaction/", 0) == 0) {
    std::string op = path.substr(17);
    if (op == "begin") {
      co_await be_begin(ex);
    } else if (op == "load") {
      co_await be_load(ex);
    } else if (op == "prepare") {
      co_await be_finish(ex, false);
    } else if (op == "commit") {
      co_await be_finish(ex, true);
    } else if (op == "rollback") {
      co_await be_rollback(ex);
    } else {
      ex.reply(http::status::ok, resp("INVALID_ARGUMENT", "Unknown transaction operation: " + op));
    }
    co_return;
  }
  // /api/{db}/{table}/_stream_load
  const std::string suffix = "/_stream_load";
  if (path.rfind("/api/", 0) == 0 && path.size() > suffix.size() &&
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
    std::string mid = path.substr(5, path.size() - 5 - suffix.size());
    auto slash = mid.find('/');
    if (slash != std::string::npos) {
      co_await be_stream_load(ex, url_decode(mid.substr(0, slash)),
                              url_decode(mid.substr(slash + 1)));
      co_return;
    }
  }
  ex.reply(http::status::not_found, "{\"status\":\"FAILED\",\"msg\":\"Not implemented\"}");
}

awaitable<void> Emulator::be_stream_load(Exchange& ex, const std::string& db,
                                         const std::string& table) {
  Clock::time_point start = Clock::now();
  PlainReply r;
  r.label = ex.header("label");
  if (r.label.empty()) {
    r.label = generate_label();
  }
  if (inject_http_error(ex, "stream_load", db, table, r.label)) {
    co_return;
  }
  ++stats_.stream_loads;
  auto fail = [&](const std::string& msg) {
    r.status = "Fail";
    r.message = msg;
    r.load_ms = ms_since(start);
    ex.reply(http::status::ok, r.json());
  };
  if (std::string e = be_auth_error(ex); !e.empty()) {
    fail(e);
    co_return;
  }
  uint64_t size = ex.content_length();
  if (size > options_.max_body_bytes) {
    fail(body_cap_message(size, options_.max_body_bytes));
    co_return;
  }
  std::string err;
  auto params = parse_load_params(ex.headers(), &err);
  if (!params) {
    fail(err);
    co_return;
  }
  if (params->json && size > options_.json_max_body_bytes && !params->ignore_json_size) {
    fail(json_cap_message(size, options_.json_max_body_bytes));
    co_return;
  }
  BeginOutcome b = txns_.begin(db, table, r.label, params->timeout_s.value_or(0), 0, true);
  if (b.status == "LABEL_ALREADY_EXISTS") {
    r.status = "Label Already Exists";
    r.existing = b.existing_status;
    r.message = b.message;
    ex.reply(http::status::ok, r.json());
    co_return;
  }
  if (b.txn == nullptr) {
    fail(b.message);
    co_return;
  }
  Txn* txn = b.txn;
  const int64_t txn_id = txn->id;
  r.txn_id = txn_id;
  std::string label = r.label;
  txn->busy = true;
  if (auto f = faults_.take(FaultKind::kDropMidBody, "stream_load", db, table, label)) {
    co_await ex.read_some_then_drop(static_cast<uint64_t>(f->after_bytes));
    if ((txn = txns_.by_id(txn_id)) != nullptr) {
      txn->busy = false;
      txns_.abort(txn, "connection closed while receiving the body");
    }
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kDelayContinue, "stream_load", db, table, label)) {
    ex.set_continue_delay(std::chrono::milliseconds(f->delay_ms));
  }
  bool ok = co_await ex.read_body();
  if ((txn = txns_.by_id(txn_id)) == nullptr) {
    fail("transaction was removed (emulator reset) while receiving the body");
    co_return;
  }
  txn->busy = false;
  if (!ok) {
    txns_.abort(txn, "receive body failed");
    co_return;
  }
  std::string& body = ex.body();
  r.load_bytes = body.size();
  stats_.load_bytes += body.size();
  if (txn->state != TxnState::kPrepare) {
    fail("transaction is aborted: " + txn->reason);
    co_return;
  }
  // A chunked body escapes the up-front Content-Length checks; apply them to what arrived.
  if (body.size() > options_.max_body_bytes ||
      (params->json && !params->ignore_json_size && body.size() > options_.json_max_body_bytes)) {
    std::string m = body.size() > options_.max_body_bytes
                        ? body_cap_message(body.size(), options_.max_body_bytes)
                        : json_cap_message(body.size(), options_.json_max_body_bytes);
    txns_.abort(txn, m);
    fail(m);
    co_return;
  }
  if (std::string v = txns_.check_versions(db, table); !v.empty()) {
    txns_.abort(txn, v);
    fail(v);
    co_return;
  }
  char* data = nullptr;
  size_t data_size = 0;
  if (std::string e; !body_to_parse(*params, body, &inflate_buf_, &data, &data_size, &e)) {
    txns_.abort(txn, e);
    fail(e);
    co_return;
  }
  LoadOutput out;
  run_load(*params, catalog_.find_table(db, table), data, data_size, !options_.discard, &out);
  r.counters = out.counters;
  stats_.filtered_rows += out.counters.filtered;
  if (!out.errors.empty()) {
    r.error_url = store_error_log(out.errors);
  }
  if (!out.fatal.empty()) {
    txns_.abort(txn, out.fatal);
    fail(out.fatal);
    co_return;
  }
  if (too_many_filtered(out.counters, params->max_filter_ratio)) {
    txns_.abort(txn, "too many filtered rows");
    fail("too many filtered rows");
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kErrorMessage, "stream_load", db, table, label)) {
    txns_.abort(txn, f->message);
    fail(f->message);
    co_return;
  }
  txn->counters = out.counters;
  txn->pending = std::move(out.ops);
  txn->has_params = true;
  txn->params = *params;
  txn->loads = 1;
  auto pt = faults_.take(FaultKind::kPublishTimeout, "stream_load", db, table, label);
  txns_.commit(txn, pt ? std::chrono::milliseconds(pt->visible_after_ms) : Clock::duration::zero());
  r.status = pt ? "Publish Timeout" : "Success";
  r.message = pt ? "transaction commit successfully, BUT data will be visible later" : "OK";
  r.load_ms = ms_since(start);
  ex.reply(http::status::ok, r.json());
  if (faults_.take(FaultKind::kLoseResponse, "stream_load", db, table, label)) {
    ex.drop();
    co_return;
  }
  co_await apply_delay("stream_load", db, table, label);
}

awaitable<void> Emulator::be_begin(Exchange& ex) {
  std::string label = ex.header("label");
  std::string db = ex.header("db");
  std::string table = ex.header("table");
  if (inject_http_error(ex, "begin", db, table, label)) {
    co_return;
  }
  if (std::string e = be_auth_error(ex); !e.empty()) {
    ex.reply(http::status::ok, resp("ANALYSIS_ERROR", e));
    co_return;
  }
  if (!ex.header("transaction_type").empty()) {
    ex.reply(http::status::ok, resp("INVALID_ARGUMENT",
                                    "Multi-statement transaction requests can only be sent to "
                                    "FE nodes, not BE nodes"));
    co_return;
  }
  if (label.empty() || db.empty() || table.empty()) {
    ex.reply(http::status::ok, resp("INVALID_ARGUMENT", label.empty() ? "Empty label."
                                                        : db.empty()  ? "No database selected."
                                                                      : "No table selected."));
    co_return;
  }
  double timeout_s = 0;
  double idle_s = 0;
  if (std::string v = ex.header("timeout"); !v.empty() && !parse_seconds(v, &timeout_s)) {
    ex.reply(http::status::ok, resp("INVALID_ARGUMENT", "Invalid timeout format"));
    co_return;
  }
  if (std::string v = ex.header("idle_transaction_timeout");
      !v.empty() && !parse_seconds(v, &idle_s)) {
    ex.reply(http::status::ok, resp("INVALID_ARGUMENT", "Invalid idle_transaction_timeout format"));
    co_return;
  }
  if (Txn* held = txns_.find(db, label);
      held != nullptr && held->state == TxnState::kPrepare && held->be_context) {
    ex.reply(http::status::ok, JsonBuilder(true)
                                   .add("Status", "LABEL_ALREADY_EXISTS")
                                   .add("ExistingJobStatus", "")
                                   .add("Message", "")
                                   .str());
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kErrorMessage, "begin", db, table, label)) {
    ex.reply(http::status::ok, resp("ANALYSIS_ERROR", f->message));
    co_return;
  }
  BeginOutcome b = txns_.begin(db, table, label, timeout_s, idle_s, false);
  if (b.status == "OK") {
    ex.reply(http::status::ok, JsonBuilder(true)
                                   .add("Status", "OK")
                                   .add("Message", "")
                                   .add("Label", label)
                                   .add("TxnId", b.txn->id)
                                   .add("BeginTxnTimeMs", int64_t{0})
                                   .str());
  } else if (b.status == "LABEL_ALREADY_EXISTS") {
    ex.reply(http::status::ok, JsonBuilder(true)
                                   .add("Status", b.status)
                                   .add("ExistingJobStatus", b.existing_status)
                                   .add("Message", b.message)
                                   .str());
  } else {
    ex.reply(http::status::ok, resp(b.status.c_str(), b.message));
  }
  if (faults_.take(FaultKind::kLoseResponse, "begin", db, table, label)) {
    ex.drop();
    co_return;
  }
  co_await apply_delay("begin", db, table, label);
}

awaitable<void> Emulator::be_load(Exchange& ex) {
  std::string label = ex.header("label");
  std::string db = ex.header("db");
  std::string table = ex.header("table");
  if (inject_http_error(ex, "load", db, table, label)) {
    co_return;
  }
  ++stats_.txn_loads;
  if (std::string e = be_auth_error(ex); !e.empty()) {
    ex.reply(http::status::ok, resp("ANALYSIS_ERROR", e));
    co_return;
  }
  Txn* txn = txns_.find(db, label);
  if (txn == nullptr || txn->state != TxnState::kPrepare || !txn->be_context) {
    ex.reply(http::status::ok, not_exists(label, true));
    co_return;
  }
  if (txn->busy) {
    ex.reply(http::status::ok, in_processing(label));
    co_return;
  }
  if (lower_name(db) != lower_name(txn->db)) {
    ex.reply(http::status::ok,
             resp("INVALID_ARGUMENT",
                  "Request database " + db + " not equal transaction database " + txn->db));
    co_return;
  }
  if (lower_name(table) != lower_name(txn->table)) {
    ex.reply(http::status::ok,
             resp("INVALID_ARGUMENT",
                  "Request table " + table + " not equal transaction table " + txn->table));
    co_return;
  }
  auto fail = [&](const char* status, const std::string& msg) {
    txns_.abort(txn, msg);
    ex.reply(http::status::ok, resp(status, msg));
  };
  std::string err;
  auto params = parse_load_params(ex.headers(), &err, true);
  if (!params) {
    fail("INVALID_ARGUMENT", err);
    co_return;
  }
  if (txn->has_params && txn->params.fingerprint != params->fingerprint) {
    fail("INTERNAL_ERROR", "load request not equal last.");
    co_return;
  }
  uint64_t size = ex.content_length();
  if (txn->load_bytes + size > options_.max_body_bytes) {
    fail("INTERNAL_ERROR", body_cap_message(txn->load_bytes + size, options_.max_body_bytes));
    co_return;
  }
  if (params->json && !params->ignore_json_size &&
      txn->load_bytes + size > options_.json_max_body_bytes) {
    fail("INTERNAL_ERROR", json_cap_message(txn->load_bytes + size, options_.json_max_body_bytes));
    co_return;
  }
  const int64_t txn_id = txn->id;
  txn->busy = true;
  if (auto f = faults_.take(FaultKind::kDropMidBody, "load", db, table, label)) {
    co_await ex.read_some_then_drop(static_cast<uint64_t>(f->after_bytes));
    if ((txn = txns_.by_id(txn_id)) != nullptr) {
      txn->busy = false;
      txns_.abort(txn, "connection closed while receiving the body");
    }
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kDelayContinue, "load", db, table, label)) {
    ex.set_continue_delay(std::chrono::milliseconds(f->delay_ms));
  }
  bool ok = co_await ex.read_body();
  if ((txn = txns_.by_id(txn_id)) == nullptr) {
    ex.reply(http::status::ok, not_exists(label, true));
    co_return;
  }
  txn->busy = false;
  if (!ok) {
    txns_.abort(txn, "receive body failed");
    co_return;
  }
  if (txn->state != TxnState::kPrepare) {
    ex.reply(http::status::ok, resp("ABORTED", "current transaction is aborted"));
    co_return;
  }
  std::string& body = ex.body();
  stats_.load_bytes += body.size();
  if (txn->load_bytes + body.size() > options_.max_body_bytes) {
    fail("INTERNAL_ERROR",
         body_cap_message(txn->load_bytes + body.size(), options_.max_body_bytes));
    co_return;
  }
  if (params->json && !params->ignore_json_size &&
      txn->load_bytes + body.size() > options_.json_max_body_bytes) {
    fail("INTERNAL_ERROR",
         json_cap_message(txn->load_bytes + body.size(), options_.json_max_body_bytes));
    co_return;
  }
  if (std::string v = txns_.check_versions(db, table); !v.empty()) {
    fail("INTERNAL_ERROR", v);
    co_return;
  }
  char* data = nullptr;
  size_t data_size = 0;
  if (std::string e; !body_to_parse(*params, body, &inflate_buf_, &data, &data_size, &e)) {
    fail("INTERNAL_ERROR", e);
    co_return;
  }
  LoadOutput out;
  run_load(*params, catalog_.find_table(db, table), data, data_size, !options_.discard, &out);
  stats_.filtered_rows += out.counters.filtered;
  if (!out.fatal.empty()) {
    fail("INTERNAL_ERROR", out.fatal);
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kErrorMessage, "load", db, table, label)) {
    fail("INTERNAL_ERROR", f->message);
    co_return;
  }
  txn->counters.add(out.counters);
  if (txn->pending.empty()) {
    txn->pending = std::move(out.ops);
  } else {
    txn->pending.insert(txn->pending.end(), std::make_move_iterator(out.ops.begin()),
                        std::make_move_iterator(out.ops.end()));
  }
  for (std::string& e : out.errors) {
    if (txn->errors.size() < 1000) {
      txn->errors.push_back(std::move(e));
    }
  }
  txn->load_bytes += body.size();
  ++txn->loads;
  txn->last_activity = Clock::now();
  if (!txn->has_params) {
    txn->has_params = true;
    txn->params = *params;
  }
  ex.reply(http::status::ok, JsonBuilder(true)
                                 .add("Status", "OK")
                                 .add("Message", "")
                                 .add("Label", label)
                                 .add("TxnId", txn->id)
                                 .add("LoadBytes", static_cast<uint64_t>(body.size()))
                                 .add("StreamLoadPlanTimeMs", int64_t{0})
                                 .add("ReceivedDataTimeMs", int64_t{0})
                                 .str());
  if (faults_.take(FaultKind::kLoseResponse, "load", db, table, label)) {
    ex.drop();
    co_return;
  }
  co_await apply_delay("load", db, table, label);
}

awaitable<void> Emulator::be_finish(Exchange& ex, bool commit) {
  const char* endpoint = commit ? "commit" : "prepare";
  std::string label = ex.header("label");
  std::string db = ex.header("db");
  Txn* txn = txns_.find(db, label);
  if (txn != nullptr && commit && txn->state != TxnState::kPrepare) {
    co_await fe_commit_or_rollback(ex, txn, true);  // the BE forwards it to the FE
    co_return;
  }
  if (inject_http_error(ex, endpoint, db, txn ? txn->table : "", label)) {
    co_return;
  }
  if (std::string e = be_auth_error(ex); !e.empty()) {
    ex.reply(http::status::ok, resp("ANALYSIS_ERROR", e));
    co_return;
  }
  if (txn == nullptr || txn->state != TxnState::kPrepare || !txn->be_context) {
    ex.reply(http::status::ok, not_exists(label, false));
    co_return;
  }
  if (txn->busy) {
    ex.reply(http::status::ok, in_processing(label));
    co_return;
  }
  double prepared_timeout_s = 0;
  if (std::string v = ex.header("prepared_timeout");
      !commit && !v.empty() && !parse_seconds(v, &prepared_timeout_s)) {
    ex.reply(http::status::ok, resp("INVALID_ARGUMENT", "Invalid prepared_timeout: " + v));
    co_return;
  }
  std::string error_url;
  if (!txn->errors.empty()) {
    error_url = store_error_log(txn->errors);
  }
  auto fail = [&](const std::string& msg) {
    txns_.abort(txn, msg);
    JsonBuilder j(true);
    j.add("Status", "INTERNAL_ERROR").add("Message", msg);
    if (!error_url.empty()) {
      j.add("ErrorURL", error_url);
    }
    ex.reply(http::status::ok, j.str());
  };
  if (txn->loads == 0) {
    fail("transaction " + std::to_string(txn->id) + " hasn't send any data yet");
    co_return;
  }
  if (too_many_filtered(txn->counters, txn->params.max_filter_ratio)) {
    fail("too many filtered rows");
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kErrorMessage, endpoint, db, txn->table, label)) {
    fail(f->message);
    co_return;
  }
  const char* status = "OK";
  if (commit) {
    auto pt = faults_.take(FaultKind::kPublishTimeout, endpoint, db, txn->table, label);
    txns_.commit(txn,
                 pt ? std::chrono::milliseconds(pt->visible_after_ms) : Clock::duration::zero());
    status = pt ? "PUBLISH_TIMEOUT" : "OK";
  } else {
    txns_.mark_prepared(txn, prepared_timeout_s);
  }
  int64_t load_ms = ms_since(txn->begin_time);
  JsonBuilder j(true);
  j.add("Status", status)
      .add("Message", "")
      .add("Label", label)
      .add("TxnId", txn->id)
      .add("NumberTotalRows", txn->counters.total)
      .add("NumberLoadedRows", txn->counters.loaded)
      .add("NumberFilteredRows", txn->counters.filtered)
      .add("NumberUnselectedRows", txn->counters.unselected)
      .add("LoadBytes", txn->load_bytes)
      .add("LoadTimeMs", load_ms)
      .add("StreamLoadPlanTimeMs", int64_t{0})
      .add("ReceivedDataTimeMs", int64_t{0})
      .add("WriteDataTimeMs", int64_t{0})
      .add("CommitAndPublishTimeMs", int64_t{0});
  if (!error_url.empty()) {
    j.add("ErrorURL", error_url);
  }
  ex.reply(http::status::ok, j.str());
  if (!commit) {
    if (auto f = faults_.take(FaultKind::kAbortAfterPrepare, "prepare", db, txn->table, label)) {
      if (f->delay_ms <= 0) {
        txns_.abort(txn, "aborted by emulator fault after prepare");
      } else {
        auto timer =
            std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(f->delay_ms));
        timer->async_wait([this, timer, db, label](const boost::system::error_code&) {
          if (Txn* t = txns_.find(db, label); t != nullptr && t->state == TxnState::kPrepared) {
            txns_.abort(t, "aborted by emulator fault after prepare");
          }
        });
      }
    }
  }
  if (faults_.take(FaultKind::kLoseResponse, endpoint, db, txn->table, label)) {
    ex.drop();
    co_return;
  }
  co_await apply_delay(endpoint, db, txn->table, label);
}

awaitable<void> Emulator::be_rollback(Exchange& ex) {
  std::string label = ex.header("label");
  std::string db = ex.header("db");
  Txn* txn = txns_.find(db, label);
  if (txn != nullptr && txn->state != TxnState::kPrepare) {
    co_await fe_commit_or_rollback(ex, txn, false);
    co_return;
  }
  if (inject_http_error(ex, "rollback", db, txn ? txn->table : "", label)) {
    co_return;
  }
  if (txn == nullptr || !txn->be_context) {
    ex.reply(http::status::ok, not_exists(label, false));
    co_return;
  }
  if (txn->busy) {
    ex.reply(http::status::ok, in_processing(label));
    co_return;
  }
  txns_.abort(txn, "User Aborted");
  ex.reply(http::status::ok,
           JsonBuilder(true).add("Status", "OK").add("Message", "").add("Label", label).str());
  if (faults_.take(FaultKind::kLoseResponse, "rollback", db, txn->table, label)) {
    ex.drop();
    co_return;
  }
  co_await apply_delay("rollback", db, txn->table, label);
}

}  // namespace emu
