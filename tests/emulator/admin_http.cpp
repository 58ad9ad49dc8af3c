// Test-control endpoints under /_emulator/ on every HTTP listener (use the BE port while the FE
// is down): faults, reset, dump of committed rows, stats, txns, SQL, immediate txn abort.
#include "emulator.hpp"
#include "json_builder.hpp"

namespace emu {
namespace {

std::string ok_json() { return "{\"ok\":true}"; }
std::string error_json(const std::string& msg) {
  return JsonBuilder().add("ok", false).add("error", msg).str();
}

void append_cell(const Column& c, const Cell& v, std::string* out) {
  if (!v) {
    *out += "null";
  } else if (renders_as_json_number(c.type)) {
    *out += *v;
  } else {
    append_json_string(*v, out);
  }
}

}  // namespace

void Emulator::dump(Exchange& ex) {
  std::string db = ex.query("db");
  std::string table = ex.query("table");
  Table* t = catalog_.find_table(db, table);
  if (t == nullptr) {
    ex.reply(http::status::not_found, error_json("unknown table " + db + "." + table));
    return;
  }
  std::string out;
  for (const Row* r : t->sorted_rows()) {
    out += "{";
    for (size_t i = 0; i < t->columns.size(); ++i) {
      if (i > 0) {
        out += ",";
      }
      append_json_string(t->columns[i].name, &out);
      out += ":";
      append_cell(t->columns[i], (*r)[i], &out);
    }
    out += "}\n";
  }
  ex.reply(http::status::ok, std::move(out), "application/x-ndjson");
}

awaitable<void> Emulator::handle_admin(Exchange& ex) {
  const std::string what = ex.path().substr(11);
  bool post = ex.method() == http::verb::post || ex.method() == http::verb::put;
  if (post || ex.method() == http::verb::delete_) {
    if (!co_await ex.read_body()) {
      co_return;
    }
  }
  if (what == "faults" && post) {
    std::string err;
    auto ids = faults_.add_json(ex.body(), &err);
    if (!ids) {
      ex.reply(http::status::bad_request, error_json(err));
      co_return;
    }
    std::string list = "[";
    for (size_t i = 0; i < ids->size(); ++i) {
      list += (i > 0 ? "," : "") + std::to_string((*ids)[i]);
    }
    list += "]";
    // fe_down acts at once.
    while (auto f = faults_.take(FaultKind::kFeDown, "any", "", "", "")) {
      set_fe_down(f->duration_ms);
    }
    while (auto f = faults_.take(FaultKind::kBeRestart, "any", "", "", "")) {
      restart_be(f->delay_ms > 0 ? f->delay_ms : 1000);
    }
    ex.reply(http::status::ok, JsonBuilder().add("ok", true).add_raw("ids", list).str());
  } else if (what == "faults" && ex.method() == http::verb::get) {
    ex.reply(http::status::ok, faults_.to_json());
  } else if ((what == "faults" && ex.method() == http::verb::delete_) ||
             (what == "faults/clear" && post)) {
    faults_.clear();
    ex.reply(http::status::ok, ok_json());
  } else if (what == "reset" && post) {
    faults_.clear();
    txns_.clear();
    error_logs_.clear();
    error_log_order_.clear();
    stats_ = Stats{};
    if (ex.query("keep_tables") == "true" || ex.query("keep_tables") == "1") {
      for (const Database* d : catalog_.databases()) {
        for (const auto& [n, t] : d->tables) {
          t->truncate();
          t->versions = 0;
        }
      }
    } else {
      catalog_.clear();
    }
    ex.reply(http::status::ok, ok_json());
  } else if (what == "dump") {
    dump(ex);
  } else if (what == "stats") {
    int64_t running = 0;
    for (const Database* d : catalog_.databases()) {
      running += txns_.running_txns(d->id);
    }
    ex.reply(http::status::ok, JsonBuilder()
                                   .add("http_requests", stats_.http_requests)
                                   .add("stream_loads", stats_.stream_loads)
                                   .add("txn_loads", stats_.txn_loads)
                                   .add("loads", stats_.stream_loads + stats_.txn_loads)
                                   .add("load_bytes", stats_.load_bytes)
                                   .add("txn_begun", stats_.txn_begun)
                                   .add("txn_committed", stats_.txn_committed)
                                   .add("txn_aborted", stats_.txn_aborted)
                                   .add("running_txns", running)
                                   .add("committed_rows", stats_.committed_rows)
                                   .add("filtered_rows", stats_.filtered_rows)
                                   .add("mysql_queries", stats_.mysql_queries)
                                   .add("discard", options_.discard)
                                   .str());
  } else if (what == "txns") {
    std::string out = "[";
    bool first = true;
    for (const Txn* t : txns_.list(ex.query("db"))) {
      if (!first) {
        out += ",";
      }
      first = false;
      out += JsonBuilder()
                 .add("id", t->id)
                 .add("label", t->label)
                 .add("db", t->db)
                 .add("table", t->table)
                 .add("state", txn_state_name(t->state))
                 .add("reason", t->reason)
                 .add("loads", static_cast<int64_t>(t->loads))
                 .add("loaded_rows", t->counters.loaded)
                 .add("filtered_rows", t->counters.filtered)
                 .add("load_bytes", t->load_bytes)
                 .str();
    }
    ex.reply(http::status::ok, out + "]");
  } else if (what == "abort_txn" && post) {
    Txn* t = txns_.find(ex.query("db"), ex.query("label"));
    if (t == nullptr || (t->state != TxnState::kPrepare && t->state != TxnState::kPrepared)) {
      ex.reply(http::status::not_found, error_json("no PREPARE/PREPARED txn with that label"));
      co_return;
    }
    txns_.abort(t, ex.query("reason").empty() ? "aborted by emulator fault" : ex.query("reason"));
    ex.reply(http::status::ok, ok_json());
  } else if (what == "evict_labels" && post) {
    int64_t n = txns_.evict_finished(ex.query("db"));
    ex.reply(http::status::ok, JsonBuilder().add("ok", true).add("evicted", n).str());
  } else if (what == "fe_down" && post) {
    set_fe_down(std::atoll(ex.query("ms").c_str()));
    ex.reply(http::status::ok, ok_json());
  } else if (what == "sql" && post) {
    std::string current = ex.query("db");
    SqlResult r = sql_.execute(ex.body(), &current);
    ex.reply(r.kind == SqlResult::Kind::kError ? http::status::bad_request : http::status::ok,
             r.to_json());
  } else if (what == "ports") {
    ex.reply(http::status::ok, ports_json());
  } else {
    ex.reply(http::status::not_found,
             error_json("unknown admin endpoint; see docs/emulator.md"));
  }
}

}  // namespace emu
