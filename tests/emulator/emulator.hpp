// The emulated cluster: one FE (HTTP + MySQL protocol) and one BE (HTTP), sharing the catalog,
// the transaction manager and the fault rules. Handlers live in fe_http.cpp, be_http.cpp,
// admin_http.cpp; the listeners in http_server.cpp and mysql_server.cpp.
// Thread: everything runs on one io_context thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "asio.hpp"
#include "catalog.hpp"
#include "faults.hpp"
#include "http_exchange.hpp"
#include "options.hpp"
#include "sql_executor.hpp"
#include "txn_manager.hpp"

namespace emu {

class HttpListener;
class MysqlListener;

class Emulator {
 public:
  Emulator(asio::io_context& io, Options options);
  ~Emulator();

  // Loads --state-dir, binds all listeners (ports may be 0), starts the housekeeping timer.
  // Throws std::runtime_error if the state cannot be read or a port cannot be bound.
  void start();
  // Saves --state-dir (if set); called at SIGINT/SIGTERM.
  void shutdown();
  uint16_t fe_http_port() const;
  uint16_t be_http_port() const;
  uint16_t mysql_port() const;
  std::string ports_json() const;

  awaitable<void> handle_fe(Exchange& ex);
  awaitable<void> handle_be(Exchange& ex);
  awaitable<void> handle_admin(Exchange& ex);

  const Options& options() const { return options_; }
  Catalog& catalog() { return catalog_; }
  TxnManager& txns() { return txns_; }
  Stats& stats() { return stats_; }
  SqlExecutor& sql() { return sql_; }
  bool fe_down() const { return fe_down_; }
  void log(const std::string& line) const;

 private:
  // Checks Basic auth; on failure fills a 401 reply and returns false.
  bool check_fe_auth(Exchange& ex);
  // BE-side credential check: empty string when fine, else the StarRocks message.
  std::string be_auth_error(const Exchange& ex) const;
  bool inject_http_error(Exchange& ex, const std::string& endpoint, const std::string& db,
                         const std::string& table, const std::string& label);
  awaitable<void> apply_delay(const std::string& endpoint, const std::string& db,
                              const std::string& table, const std::string& label);
  std::string be_location(const Exchange& ex) const;
  awaitable<void> sleep_ms(int64_t ms);
  // BE restart: PREPARE txns lose their BE context now and are aborted by the FE after delay.
  void restart_be(int64_t abort_after_ms);
  std::string store_error_log(const std::vector<std::string>& errors);
  void set_fe_down(int64_t duration_ms);
  void housekeeping();
  void save_if_changed(bool force);

  awaitable<void> fe_stream_load(Exchange& ex, const std::string& db, const std::string& table);
  awaitable<void> fe_transaction(Exchange& ex, const std::string& op);
  void fe_get_load_state(Exchange& ex, const std::string& db);
  void fe_cancel(Exchange& ex, const std::string& db);
  awaitable<void> be_stream_load(Exchange& ex, const std::string& db, const std::string& table);
  awaitable<void> be_begin(Exchange& ex);
  awaitable<void> be_load(Exchange& ex);
  awaitable<void> be_finish(Exchange& ex, bool commit);
  awaitable<void> be_rollback(Exchange& ex);
  // FE-handled commit/rollback of a txn that is PREPARED or finished.
  awaitable<void> fe_commit_or_rollback(Exchange& ex, Txn* txn, bool commit);
  void dump(Exchange& ex);

  asio::io_context& io_;
  Options options_;
  Catalog catalog_;
  Stats stats_;
  TxnManager txns_;
  Faults faults_;
  SqlExecutor sql_;
  std::unique_ptr<HttpListener> fe_http_;
  std::unique_ptr<HttpListener> be_http_;
  std::unique_ptr<MysqlListener> mysql_;
  asio::steady_timer timer_;
  bool fe_down_ = false;
  Clock::time_point fe_up_at_;
  std::map<std::string, std::string> error_logs_;
  std::deque<std::string> error_log_order_;
  uint64_t next_error_log_ = 1;
  std::string inflate_buf_;  // decompressed bodies (reused; only used between two co_awaits)
  uint64_t saved_activity_ = 0;
  Clock::time_point last_save_ = Clock::now();
};

}  // namespace emu
