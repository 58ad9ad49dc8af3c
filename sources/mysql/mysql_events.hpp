// Log lines and metrics of the MySQL/MariaDB binlog source (component "source.mysql").
#pragma once

#include <cstdint>
#include <string_view>

namespace starcdc::mysql_events {

void connected(std::string_view endpoint, std::string_view version, std::string_view tls,
               std::string_view auth_plugin);
void dump_started(std::string_view mode, std::string_view from, uint32_t server_id);
void setting_warning(std::string_view variable, std::string_view value, std::string_view why);
void stream_lost(std::string_view error, std::string_view at, int attempt, int64_t wait_ms);
void resumed(std::string_view at, uint64_t skipped_rows);
void failover(std::string_view gtids, uint32_t old_server_id, uint32_t new_server_id);
void table_seen(std::string_view table, uint32_t version, uint64_t columns, bool from_metadata);
void event_skipped(uint8_t type_code, std::string_view at);
void events_read(uint64_t events, uint64_t bytes, uint64_t rows);
void lag_seconds(double lag);

}  // namespace starcdc::mysql_events
