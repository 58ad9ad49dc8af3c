// Command-line options of starrocks-emulator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace emu {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t fe_http_port = 8030;
  uint16_t be_http_port = 8040;
  uint16_t mysql_port = 9030;
  std::string ports_file;
  std::string user = "root";
  std::string password;
  bool discard = false;
  bool verbose = false;
  // Every server-side duration (txn timeouts, idle check cadence, label age) is multiplied by
  // this factor, so tests can run StarRocks' 600 s / 30 s / 86400 s timers quickly.
  double time_scale = 1.0;
  double txn_timeout_s = 600;          // FE stream_load_default_timeout_second
  double prepared_timeout_s = 86400;   // FE prepared_transaction_default_timeout_second
  double idle_check_interval_s = 30;   // BE transaction clean thread cadence
  double commit_wait_s = 20;           // FE DEFAULT_TXN_TIMEOUT_MILLIS for FE-handled commits
  int64_t max_running_txn_per_db = 1000;  // FE max_running_txn_num_per_db
  uint64_t json_max_body_bytes = 104857600;           // BE streaming_load_max_batch_size_mb
  uint64_t max_body_bytes = 102400ULL * 1024 * 1024;  // BE streaming_load_max_mb
  uint64_t version_limit = 1000;       // BE tablet_max_versions
  double compaction_versions_per_s = 50;  // versions merged away per table per second
  int64_t label_keep_max_num = 1000;   // FE label_keep_max_num
  double label_keep_max_s = 259200;    // FE label_keep_max_second
  double alter_delay_ms = 300;         // how long an ALTER TABLE job runs
  std::string version = "3.3.0-emulator";
  std::string state_dir;  // empty = memory only
};

// Parses argv; on --help or an error prints to stderr and returns nullopt (*exit_code set).
std::optional<Options> parse_options(int argc, char** argv, int* exit_code);

}  // namespace emu
