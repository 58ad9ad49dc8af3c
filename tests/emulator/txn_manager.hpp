// Load transactions as the FE tracks them: ids, labels, the state machine of transaction Stream
// Load (PREPARE -> PREPARED -> COMMITTED -> VISIBLE, or ABORTED), the BE-side context of a txn
// still in PREPARE, timeouts, the running-txn cap, tablet versions and label retention.
// Thread: the emulator's single io_context thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "load_format.hpp"
#include "options.hpp"

namespace emu {

using Clock = std::chrono::steady_clock;

enum class TxnState : uint8_t { kPrepare, kPrepared, kCommitted, kVisible, kAborted };
const char* txn_state_name(TxnState s);

struct Stats {
  uint64_t http_requests = 0;
  uint64_t stream_loads = 0;  // plain Stream Load requests reaching the BE
  uint64_t txn_loads = 0;     // transaction `load` requests
  uint64_t load_bytes = 0;
  uint64_t txn_begun = 0;
  uint64_t txn_committed = 0;  // reached COMMITTED (or VISIBLE)
  uint64_t txn_aborted = 0;
  uint64_t committed_rows = 0;  // NumberLoadedRows of committed txns
  uint64_t filtered_rows = 0;   // NumberFilteredRows over all loads
  uint64_t mysql_queries = 0;
};

struct Txn {
  int64_t id = 0;
  std::string label;
  std::string db;
  std::string table;
  int64_t db_id = 0;
  TxnState state = TxnState::kPrepare;
  bool plain = false;       // plain Stream Load (not the transaction API)
  bool be_context = true;   // the coordinator BE still holds the in-memory context
  bool busy = false;        // a request on this label is in progress (TXN_IN_PROCESSING)
  bool failed = false;
  Clock::time_point begin_time;
  Clock::time_point last_activity;
  Clock::time_point prepared_time;
  Clock::time_point finish_time;
  Clock::time_point visible_at;
  Clock::duration timeout{};
  Clock::duration idle_timeout{};  // zero = off
  Clock::duration prepared_timeout{};
  std::string reason;
  int loads = 0;
  bool has_params = false;
  LoadParams params;  // from the first load
  LoadCounters counters;
  uint64_t load_bytes = 0;
  std::vector<RowOp> pending;
  std::vector<std::string> errors;
  std::string error_url;
};

struct BeginOutcome {
  Txn* txn = nullptr;
  std::string status;           // OK, LABEL_ALREADY_EXISTS, ANALYSIS_ERROR
  std::string existing_status;  // RUNNING / FINISHED with LABEL_ALREADY_EXISTS
  std::string message;
};

class TxnManager {
 public:
  TxnManager(Catalog& catalog, const Options& options, Stats& stats)
      : catalog_(catalog), options_(options), stats_(stats) {}

  Clock::duration scaled(double seconds) const;

  // FE begin: label format, unknown db/table, label in use, running-txn cap.
  BeginOutcome begin(const std::string& db, const std::string& table, const std::string& label,
                     double timeout_s, double idle_timeout_s, bool plain);
  // Newest txn (highest id) carrying the label in db, or nullptr.
  Txn* find(const std::string& db, const std::string& label) const;
  // The txn with this id if still remembered (re-fetch after every co_await: a reset or label
  // eviction may free it meanwhile).
  Txn* by_id(int64_t id) const;
  void abort(Txn* txn, const std::string& reason);
  void mark_prepared(Txn* txn, double prepared_timeout_s);
  // Commits: COMMITTED now; VISIBLE (rows applied) after visible_delay (zero = at once).
  void commit(Txn* txn, Clock::duration visible_delay);
  // Empty when the table may take another version, else the "too many versions" text.
  std::string check_versions(const std::string& db, const std::string& table) const;
  int64_t running_txns(int64_t db_id) const;
  // Timeouts, idle aborts, publish completion, compaction, label retention.
  void tick();
  std::vector<const Txn*> list(const std::string& db) const;
  // Forgets every finished (VISIBLE/ABORTED) txn of db (all dbs if empty), as label retention
  // eventually does. Returns how many.
  int64_t evict_finished(const std::string& db);
  // Re-inserts a txn read back from --state-dir (ids keep increasing past it).
  void restore(std::unique_ptr<Txn> txn);
  // Makes a restored COMMITTED txn visible.
  void publish_restored(Txn* txn) { make_visible(txn); }
  void clear();

 private:
  void make_visible(Txn* txn);
  void finish(Txn* txn);

  Catalog& catalog_;
  const Options& options_;
  Stats& stats_;
  int64_t next_txn_id_ = 1000;
  std::map<int64_t, std::unique_ptr<Txn>> txns_;
  std::map<std::string, std::vector<int64_t>> by_label_;  // "db\nlabel" -> ids
  std::map<int64_t, std::deque<int64_t>> finished_;       // db id -> finished txn ids in order
  Clock::time_point last_idle_check_ = Clock::now();
  Clock::time_point last_tick_ = Clock::now();
  double compaction_credit_ = 0;
};

}  // namespace emu
