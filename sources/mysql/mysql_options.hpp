// Options of the `mysql` source (also `mariadb`), with Flink CDC's MySQL pipeline connector
// names and defaults, parsed into MysqlSettings. Thread: any (values).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/option_spec.hpp"
#include "config/option_values.hpp"
#include "pipeline/model/table_id.hpp"

namespace starcdc::mysql {

enum class StartupMode : uint8_t {
  Initial,
  Snapshot,
  LatestOffset,
  EarliestOffset,
  SpecificOffset,
  Timestamp
};
enum class SslMode : uint8_t { Disabled, Preferred, Required, VerifyCa, VerifyIdentity };
enum class ZeroDate : uint8_t { Null, Epoch };  // 0000-00-00 → NULL, or 1970-01-01

struct MysqlSettings {
  std::string host = "localhost";
  uint16_t port = 3306;
  std::string username;
  std::string password;
  std::vector<std::string> tables;   // table patterns (config/table_pattern.hpp)
  std::vector<std::string> exclude;  // tables.exclude
  uint32_t server_id = 0;            // chosen in 5400..6400 when not set
  std::string server_time_zone;      // empty: the server's @@time_zone (SYSTEM → UTC)
  StartupMode startup = StartupMode::Initial;
  std::string specific_file;
  uint64_t specific_pos = 4;
  std::string specific_gtids;
  int64_t startup_timestamp_ms = 0;
  std::chrono::milliseconds connect_timeout{30000};
  int connect_max_retries = 3;
  std::chrono::milliseconds heartbeat_interval{30000};
  SslMode ssl_mode = SslMode::Preferred;
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
  std::string server_public_key;  // PEM file for caching_sha2/sha256 without TLS
  ZeroDate zero_date = ZeroDate::Null;
  bool schema_change_enabled = true;
  uint64_t chunk_size = 8096;
  uint64_t fetch_size = 1024;
  int snapshot_parallelism = 1;
  std::map<TableId, std::string> chunk_key_columns;  // scan.incremental.snapshot.chunk.key-column
  double even_upper = 10.0;
  double even_lower = 0.05;
  bool newly_added_tables = false;         // scan.newly-added-table.enabled
  bool binlog_newly_added_tables = false;  // scan.binlog.newly-added-table.enabled
};

// "db.t:col;db.t2:col2" → table → column; nullopt and *error when malformed.
std::optional<std::map<TableId, std::string>> parse_chunk_key_columns(const std::string& text,
                                                                      std::string* error);

const config::OptionSet& mysql_options();
void check_mysql_options(const config::OptionValues& o, const config::Location& where,
                         config::Diagnostics& diags);
MysqlSettings mysql_settings_from(const config::OptionValues& o);

}  // namespace starcdc::mysql
