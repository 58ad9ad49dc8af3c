#include "txn_manager.hpp"

#include <algorithm>
#include <cctype>

namespace emu {
namespace {

// FE LABEL_REGEX: ^[-\w]{1,128}$ (FeNameFormat).
bool valid_label(const std::string& l) {
  if (l.empty() || l.size() > 128) {
    return false;
  }
  return std::all_of(l.begin(), l.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string label_key(const std::string& db, const std::string& label) {
  return lower_name(db) + "\n" + label;
}

}  // namespace

const char* txn_state_name(TxnState s) {
  switch (s) {
    case TxnState::kPrepare: return "PREPARE";
    case TxnState::kPrepared: return "PREPARED";
    case TxnState::kCommitted: return "COMMITTED";
    case TxnState::kVisible: return "VISIBLE";
    case TxnState::kAborted: return "ABORTED";
  }
  return "UNKNOWN";
}

Clock::duration TxnManager::scaled(double seconds) const {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds * options_.time_scale));
}

BeginOutcome TxnManager::begin(const std::string& db, const std::string& table,
                               const std::string& label, double timeout_s, double idle_timeout_s,
                               bool plain) {
  BeginOutcome r;
  if (!valid_label(label)) {
    r.status = "ANALYSIS_ERROR";
    r.message = "Label format error. regex: ^[-\\w]{1,128}$, label: " + label;
    return r;
  }
  Database* d = catalog_.find_db(db);
  if (d == nullptr && options_.discard && !db.empty()) {
    d = catalog_.create_db(db);  // discard mode: benchmarks may load without DDL
  }
  if (d == nullptr) {
    r.status = "ANALYSIS_ERROR";
    r.message = "unknown database, database=" + db;
    return r;
  }
  if (d->find(table) == nullptr && !(options_.discard && !table.empty())) {
    r.status = "ANALYSIS_ERROR";
    r.message = "unknown table \"" + db + "." + table + "\"";
    return r;
  }
  auto it = by_label_.find(label_key(db, label));
  if (it != by_label_.end()) {
    for (int64_t id : it->second) {
      const Txn& t = *txns_.at(id);
      if (t.state != TxnState::kAborted) {
        r.status = "LABEL_ALREADY_EXISTS";
        r.existing_status =
            (t.state == TxnState::kCommitted || t.state == TxnState::kVisible) ? "FINISHED"
                                                                                : "RUNNING";
        r.message = "Label [" + label + "] has already been used.";
        return r;
      }
    }
  }
  int64_t running = running_txns(d->id);
  if (running >= options_.max_running_txn_per_db) {
    r.status = "ANALYSIS_ERROR";
    r.message = "current running txns on db " + std::to_string(d->id) + " is " +
                std::to_string(running) + ", larger than limit " +
                std::to_string(options_.max_running_txn_per_db);
    return r;
  }
  auto txn = std::make_unique<Txn>();
  txn->id = next_txn_id_++;
  txn->label = label;
  txn->db = d->name;
  txn->table = table;
  txn->db_id = d->id;
  txn->plain = plain;
  txn->begin_time = txn->last_activity = Clock::now();
  txn->timeout = scaled(timeout_s > 0 ? timeout_s : options_.txn_timeout_s);
  txn->idle_timeout = idle_timeout_s > 0 ? scaled(idle_timeout_s) : Clock::duration::zero();
  txn->prepared_timeout = scaled(options_.prepared_timeout_s);
  r.txn = txn.get();
  r.status = "OK";
  by_label_[label_key(db, label)].push_back(txn->id);
  txns_[txn->id] = std::move(txn);
  ++stats_.txn_begun;
  return r;
}

Txn* TxnManager::find(const std::string& db, const std::string& label) const {
  auto it = by_label_.find(label_key(db, label));
  if (it == by_label_.end() || it->second.empty()) {
    return nullptr;
  }
  return txns_.at(*std::max_element(it->second.begin(), it->second.end())).get();
}

Txn* TxnManager::by_id(int64_t id) const {
  auto it = txns_.find(id);
  return it == txns_.end() ? nullptr : it->second.get();
}

int64_t TxnManager::running_txns(int64_t db_id) const {
  int64_t n = 0;
  for (const auto& [id, t] : txns_) {
    if (t->db_id == db_id &&
        (t->state == TxnState::kPrepare || t->state == TxnState::kPrepared ||
         t->state == TxnState::kCommitted)) {
      ++n;
    }
  }
  return n;
}

void TxnManager::finish(Txn* txn) {
  txn->finish_time = Clock::now();
  finished_[txn->db_id].push_back(txn->id);
}

void TxnManager::abort(Txn* txn, const std::string& reason) {
  if (txn->state == TxnState::kAborted || txn->state == TxnState::kCommitted ||
      txn->state == TxnState::kVisible) {
    return;
  }
  txn->state = TxnState::kAborted;
  txn->reason = reason;
  txn->be_context = false;
  txn->pending.clear();
  txn->pending.shrink_to_fit();
  ++stats_.txn_aborted;
  finish(txn);
}

void TxnManager::mark_prepared(Txn* txn, double prepared_timeout_s) {
  txn->state = TxnState::kPrepared;
  txn->be_context = false;
  txn->prepared_time = Clock::now();
  if (prepared_timeout_s > 0) {
    txn->prepared_timeout = scaled(prepared_timeout_s);
  }
}

void TxnManager::commit(Txn* txn, Clock::duration visible_delay) {
  txn->state = TxnState::kCommitted;
  txn->be_context = false;
  ++stats_.txn_committed;
  stats_.committed_rows += txn->counters.loaded;
  if (Table* t = catalog_.find_table(txn->db, txn->table)) {
    ++t->versions;
    ++t->next_version;
  }
  txn->visible_at = Clock::now() + visible_delay;
  // A tablet publishes its versions in order: a transaction committed after one still waiting
  // for publish becomes visible after it, never before (StarRocks' publish version order).
  for (const auto& [id, other] : txns_) {
    if (other.get() != txn && other->state == TxnState::kCommitted && other->db == txn->db &&
        other->table == txn->table && other->visible_at > txn->visible_at) {
      txn->visible_at = other->visible_at;
    }
  }
  if (txn->visible_at <= Clock::now()) {
    make_visible(txn);
  }
}

void TxnManager::make_visible(Txn* txn) {
  txn->state = TxnState::kVisible;
  if (Table* t = catalog_.find_table(txn->db, txn->table)) {
    const std::string merge = txn->has_params ? txn->params.merge_condition : std::string();
    for (RowOp& op : txn->pending) {
      if (op.values.size() == t->columns.size()) {
        t->apply(std::move(op), merge);
      }
    }
  }
  txn->pending.clear();
  txn->pending.shrink_to_fit();
  finish(txn);
}

std::string TxnManager::check_versions(const std::string& db, const std::string& table) const {
  Table* t = catalog_.find_table(db, table);
  if (t == nullptr || t->versions < options_.version_limit) {
    return {};
  }
  // Newer BE delta writer text (StarRocks/starrocks#56697).
  return "Failed to load data into tablet " + std::to_string(t->id * 10 + 1) +
         ", because of too many versions, current/limit: " + std::to_string(t->versions) + "/" +
         std::to_string(options_.version_limit) +
         ". You can reduce the loading job concurrency, or increase loading data batch size.";
}

void TxnManager::tick() {
  Clock::time_point now = Clock::now();
  double dt = std::chrono::duration<double>(now - last_tick_).count();
  last_tick_ = now;
  // Compaction merges versions away at a fixed rate.
  compaction_credit_ += dt * options_.compaction_versions_per_s;
  auto merged = static_cast<uint64_t>(compaction_credit_);
  compaction_credit_ -= static_cast<double>(merged);
  for (const Database* d : catalog_.databases()) {
    for (const auto& [n, t] : d->tables) {
      t->versions = t->versions > merged ? t->versions - merged : 0;
    }
  }
  bool idle_check = now - last_idle_check_ >= scaled(options_.idle_check_interval_s);
  if (idle_check) {
    last_idle_check_ = now;
  }
  for (auto& [id, tp] : txns_) {
    Txn* t = tp.get();
    if (t->state == TxnState::kPrepare && !t->busy) {
      if (now - t->begin_time > t->timeout) {
        abort(t, "transaction is aborted by timeout " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        t->timeout).count()) + " seconds.");
      } else if (idle_check && t->idle_timeout > Clock::duration::zero() &&
                 now - t->last_activity > t->idle_timeout) {
        abort(t, "transaction is aborted by idle timeout " +
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        t->idle_timeout).count()) + " seconds.");
      }
    } else if (t->state == TxnState::kPrepared && now - t->prepared_time > t->prepared_timeout) {
      abort(t, "prepared transaction timeout");
    } else if (t->state == TxnState::kCommitted && now >= t->visible_at) {
      make_visible(t);
    }
  }
  // Label retention: age and count of finished txns per database.
  for (auto& [db_id, ids] : finished_) {
    while (!ids.empty()) {
      auto it = txns_.find(ids.front());
      if (it == txns_.end()) {
        ids.pop_front();
        continue;
      }
      bool too_many = static_cast<int64_t>(ids.size()) > options_.label_keep_max_num;
      bool too_old = now - it->second->finish_time > scaled(options_.label_keep_max_s);
      if (!too_many && !too_old) {
        break;
      }
      auto& v = by_label_[label_key(it->second->db, it->second->label)];
      v.erase(std::remove(v.begin(), v.end(), it->first), v.end());
      if (v.empty()) {
        by_label_.erase(label_key(it->second->db, it->second->label));
      }
      txns_.erase(it);
      ids.pop_front();
    }
  }
}

std::vector<const Txn*> TxnManager::list(const std::string& db) const {
  std::vector<const Txn*> r;
  for (const auto& [id, t] : txns_) {
    if (db.empty() || lower_name(t->db) == lower_name(db)) {
      r.push_back(t.get());
    }
  }
  return r;
}

int64_t TxnManager::evict_finished(const std::string& db) {
  int64_t n = 0;
  for (auto it = txns_.begin(); it != txns_.end();) {
    Txn& t = *it->second;
    bool finished = t.state == TxnState::kVisible || t.state == TxnState::kAborted;
    if (!finished || (!db.empty() && lower_name(t.db) != lower_name(db))) {
      ++it;
      continue;
    }
    auto& v = by_label_[label_key(t.db, t.label)];
    v.erase(std::remove(v.begin(), v.end(), t.id), v.end());
    if (v.empty()) {
      by_label_.erase(label_key(t.db, t.label));
    }
    it = txns_.erase(it);
    ++n;
  }
  return n;
}

void TxnManager::restore(std::unique_ptr<Txn> txn) {
  // Timers restart with the process (a prepared txn gets a fresh prepared timeout).
  Clock::time_point now = Clock::now();
  txn->begin_time = txn->last_activity = txn->prepared_time = now;
  txn->finish_time = txn->visible_at = now;
  txn->timeout = scaled(options_.txn_timeout_s);
  txn->prepared_timeout = scaled(options_.prepared_timeout_s);
  next_txn_id_ = std::max(next_txn_id_, txn->id + 1);
  by_label_[label_key(txn->db, txn->label)].push_back(txn->id);
  if (txn->state == TxnState::kVisible || txn->state == TxnState::kAborted) {
    finished_[txn->db_id].push_back(txn->id);
  }
  int64_t id = txn->id;
  txns_[id] = std::move(txn);
}

void TxnManager::clear() {
  txns_.clear();
  by_label_.clear();
  finished_.clear();
}

}  // namespace emu
