// FE HTTP handlers: _stream_load redirect, transaction routing (FE answers commit/rollback of
// PREPARED or finished txns itself), get_load_state and _cancel.
// Sources: LoadAction.java, TransactionLoadAction.java, TransactionWithoutChannelHandler.java,
// GetStreamLoadState.java, CancelStreamLoadAction.java, RestBaseResult.java (spec §1, §3, §4).
#include <vector>

#include "emulator.hpp"
#include "json_builder.hpp"

namespace emu {
namespace {

// TransactionWithoutChannelHandler throws StarRocksException (UserException before the rename);
// TransactionLoadAction reports it as "class <exception class>: <message>".
constexpr const char* kUserException = "class com.starrocks.common.StarRocksException: ";

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    parts.push_back(url_decode(path.substr(pos, slash == std::string::npos ? std::string::npos
                                                                           : slash - pos)));
    if (slash == std::string::npos) {
      break;
    }
    pos = slash + 1;
  }
  return parts;
}

// TransactionResult (FE transaction family): Status/Message (+ TxnId/Label).
std::string fe_txn_result(const char* status, const std::string& message) {
  return JsonBuilder(true).add("Status", status).add("Message", message).str();
}

// RestBaseResult family: lower-case keys.
std::string rest_failed(const std::string& msg) {
  return JsonBuilder().add("status", "FAILED").add("code", "1").add("msg", msg).add("message",
                                                                                   msg).str();
}

}  // namespace

awaitable<void> Emulator::handle_fe(Exchange& ex) {
  std::vector<std::string> p = split_path(ex.path());
  if (p.size() == 4 && p[0] == "api" && p[3] == "_stream_load") {
    co_await fe_stream_load(ex, p[1], p[2]);
  } else if (p.size() == 3 && p[0] == "api" && p[1] == "transaction") {
    co_await fe_transaction(ex, p[2]);
  } else if (p.size() == 3 && p[0] == "api" && p[2] == "get_load_state") {
    if (inject_http_error(ex, "get_load_state", p[1], "", ex.query("label"))) {
      co_return;
    }
    co_await apply_delay("get_load_state", p[1], "", ex.query("label"));
    fe_get_load_state(ex, p[1]);
  } else if (p.size() == 4 && p[0] == "api" && p[3] == "_cancel") {
    fe_cancel(ex, p[1]);
  } else {
    ex.reply(http::status::not_found, rest_failed("Not implemented"));
  }
}

awaitable<void> Emulator::fe_stream_load(Exchange& ex, const std::string& db,
                                         const std::string& table) {
  // The FE forces the connection closed after every _stream_load request.
  ex.close_after();
  if (!check_fe_auth(ex)) {
    co_return;
  }
  if (ex.request().version() >= 11 && !ex.expects_continue()) {
    ex.reply(http::status::ok,
             fe_txn_result("FAILED", std::string(kUserException) +
                                         "There is no 100-continue header"));
    co_return;
  }
  if (db.empty()) {
    ex.reply(http::status::ok, fe_txn_result("FAILED", "No database selected."));
    co_return;
  }
  if (table.empty()) {
    ex.reply(http::status::ok, fe_txn_result("FAILED", "No table selected."));
    co_return;
  }
  if (auto f = faults_.take(FaultKind::kDelayContinue, "stream_load", db, table,
                           ex.header("label"))) {
    co_await sleep_ms(f->delay_ms);
  }
  ex.redirect(be_location(ex));
}

awaitable<void> Emulator::fe_transaction(Exchange& ex, const std::string& op) {
  if (!check_fe_auth(ex)) {
    co_return;
  }
  std::string label = ex.header("label");
  std::string db = ex.header("db");
  std::string table = ex.header("table");
  if (label.empty()) {
    ex.reply(http::status::ok, fe_txn_result("FAILED", std::string(kUserException) +
                                                           "Empty label."));
    co_return;
  }
  if (db.empty()) {
    ex.reply(http::status::ok, fe_txn_result("FAILED", std::string(kUserException) +
                                                           "No database selected."));
    co_return;
  }
  if (op != "begin" && op != "load" && op != "prepare" && op != "commit" && op != "rollback") {
    ex.reply(http::status::ok,
             fe_txn_result("FAILED", std::string(kUserException) +
                                         "Unknown transaction operation: " + op));
    co_return;
  }
  if (op == "begin") {
    ex.redirect(be_location(ex));
    co_return;
  }
  if ((op == "commit" || op == "rollback") && catalog_.find_db(db) == nullptr) {
    ex.reply(http::status::ok, fe_txn_result("FAILED", std::string(kUserException) + "Database[" +
                                                           db + "] does not exist."));
    co_return;
  }
  Txn* txn = txns_.find(db, label);
  if (txn == nullptr && (op == "commit" || op == "rollback")) {
    // TransactionWithoutChannelHandler: label not (or no longer) known to the FE.
    ex.reply(http::status::ok, fe_txn_result("FAILED", std::string(kUserException) +
                                                           "No transaction found by label " +
                                                           label));
    co_return;
  }
  if (txn == nullptr) {
    // TransactionLoadCoordinatorMgr: no coordinator for this label.
    ex.reply(http::status::ok,
             fe_txn_result("FAILED", std::string(kUserException) +
                                         "Can't find the transaction with db [" + db +
                                         "] and label[" + label +
                                         "]. The possible reasons: 1. FE leader is started or "
                                         "switched; 2. The transaction timeouts and is cleaned."));
    co_return;
  }
  if ((op == "commit" || op == "rollback") && txn->state != TxnState::kPrepare) {
    co_await fe_commit_or_rollback(ex, txn, op == "commit");
    co_return;
  }
  if (op == "load") {
    if (auto f = faults_.take(FaultKind::kDelayContinue, "load", db, table, label)) {
      co_await sleep_ms(f->delay_ms);
    }
  }
  ex.redirect(be_location(ex));
}

awaitable<void> Emulator::fe_commit_or_rollback(Exchange& ex, Txn* txn, bool commit) {
  const char* endpoint = commit ? "commit" : "rollback";
  if (inject_http_error(ex, endpoint, txn->db, txn->table, txn->label)) {
    co_return;
  }
  std::string id = std::to_string(txn->id);
  JsonBuilder ok(true);
  if (commit) {
    switch (txn->state) {
      case TxnState::kPrepared: {
        auto fail = faults_.take(FaultKind::kErrorMessage, endpoint, txn->db, txn->table,
                                 txn->label);
        if (fail) {
          ex.reply(http::status::ok,
                   fe_txn_result("FAILED", std::string(kUserException) + fail->message));
          break;
        }
        auto pt = faults_.take(FaultKind::kPublishTimeout, endpoint, txn->db, txn->table,
                               txn->label);
        txns_.commit(txn, pt ? std::chrono::milliseconds(pt->visible_after_ms)
                             : Clock::duration::zero());
        if (pt && pt->fe_reply != "ok") {
          // GlobalTransactionMgr.commitPreparedTransaction: the txn stays COMMITTED and the
          // FE reports "publish timeout: <timeout ms>" (commit `timeout` header, default 20 s).
          int64_t timeout_ms = static_cast<int64_t>(options_.commit_wait_s * 1000);
          if (std::string t = ex.header("timeout"); !t.empty()) {
            timeout_ms = std::atoll(t.c_str()) * 1000;
          }
          ex.reply(http::status::ok,
                   fe_txn_result("FAILED", std::string(kUserException) + "publish timeout: " +
                                               std::to_string(timeout_ms)));
        } else {
          ex.reply(http::status::ok, ok.add("Status", "OK")
                                         .add("Message", "")
                                         .add("TxnId", txn->id)
                                         .add("Label", txn->label)
                                         .str());
        }
        break;
      }
      case TxnState::kCommitted:
      case TxnState::kVisible:
        ex.reply(http::status::ok, ok.add("Status", "OK")
                                       .add("Message", "Transaction " + id +
                                                           " has already committed, label is " +
                                                           txn->label)
                                       .add("TxnId", txn->id)
                                       .add("Label", txn->label)
                                       .str());
        break;
      default:
        ex.reply(http::status::ok,
                 fe_txn_result("FAILED", std::string(kUserException) +
                                             "Can not commit ABORTED transaction " + id +
                                             ", label is " + txn->label));
    }
  } else {
    switch (txn->state) {
      case TxnState::kPrepared:
        txns_.abort(txn, "User Aborted");
        ex.reply(http::status::ok, ok.add("Status", "OK")
                                       .add("Message", "")
                                       .add("TxnId", txn->id)
                                       .add("Label", txn->label)
                                       .str());
        break;
      case TxnState::kAborted:
        ex.reply(http::status::ok, ok.add("Status", "OK")
                                       .add("Message", "Transaction " + id +
                                                           " has already aborted, label is " +
                                                           txn->label)
                                       .add("TxnId", txn->id)
                                       .add("Label", txn->label)
                                       .str());
        break;
      default:
        ex.reply(http::status::ok,
                 fe_txn_result("FAILED", std::string(kUserException) + "Can not abort " +
                                             txn_state_name(txn->state) + " transaction " + id +
                                             ", label is " + txn->label));
    }
  }
  if (faults_.take(FaultKind::kLoseResponse, endpoint, txn->db, txn->table, txn->label)) {
    ex.drop();
    co_return;
  }
  co_await apply_delay(endpoint, txn->db, txn->table, txn->label);
}

void Emulator::fe_get_load_state(Exchange& ex, const std::string& db) {
  if (!check_fe_auth(ex)) {
    return;
  }
  std::string label = ex.query("label");
  if (label.empty()) {
    ex.reply(http::status::ok, rest_failed("No label selected."));
    return;
  }
  if (catalog_.find_db(db) == nullptr) {
    ex.reply(http::status::ok, rest_failed("unknown database, database=" + db));
    return;
  }
  Txn* txn = txns_.find(db, label);
  JsonBuilder j;
  j.add("status", "OK").add("code", "0").add("msg", "Success").add("message", "OK");
  j.add("state", txn == nullptr ? "UNKNOWN" : txn_state_name(txn->state));
  if (txn != nullptr && !txn->reason.empty()) {
    j.add("reason", txn->reason);
  }
  ex.reply(http::status::ok, j.str());
}

void Emulator::fe_cancel(Exchange& ex, const std::string& db) {
  if (!check_fe_auth(ex)) {
    return;
  }
  std::string label = ex.query("label");
  if (label.empty()) {
    ex.reply(http::status::ok, rest_failed("No label selected."));
    return;
  }
  Txn* txn = txns_.find(db, label);
  if (txn == nullptr) {
    ex.reply(http::status::ok, rest_failed("label " + label + " does not exist"));
    return;
  }
  if (txn->state != TxnState::kPrepare && txn->state != TxnState::kPrepared) {
    ex.reply(http::status::ok, rest_failed(std::string("txn of label ") + label + " is " +
                                           txn_state_name(txn->state) + ", cannot cancel"));
    return;
  }
  txns_.abort(txn, "user cancel");
  ex.reply(http::status::ok, JsonBuilder()
                                 .add("status", "OK")
                                 .add("code", "0")
                                 .add("msg", "Success")
                                 .add("message", "OK")
                                 .str());
}

}  // namespace emu
