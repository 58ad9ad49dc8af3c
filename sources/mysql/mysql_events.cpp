#include "sources/mysql/mysql_events.hpp"

#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"

namespace starcdc::mysql_events {
namespace {
constexpr std::string_view kComponent = "source.mysql";
}

void connected(std::string_view endpoint, std::string_view version, std::string_view tls,
               std::string_view auth_plugin) {
  log::info(kComponent, "Connected to the source server.",
            {{"server", endpoint},
             {"version", version},
             {"tls", tls.empty() ? std::string_view("off") : tls},
             {"auth", auth_plugin}});
}

void dump_started(std::string_view mode, std::string_view from, uint32_t server_id) {
  log::info(kComponent, "Reading the binlog.",
            {{"mode", mode}, {"from", from}, {"replica_server_id", uint64_t{server_id}}});
}

void setting_warning(std::string_view variable, std::string_view value, std::string_view why) {
  log::warn(kComponent, "Server setting needs attention.",
            {{"variable", variable}, {"value", value}, {"why", why}});
}

void stream_lost(std::string_view error, std::string_view at, int attempt, int64_t wait_ms) {
  static auto& c = Metrics::global().counter("starcdc_mysql_reconnects_total",
                                             "Binlog connections lost and reopened.");
  c.add();
  log::warn(kComponent, "Binlog connection lost; reconnecting.",
            {{"error", error}, {"at", at}, {"attempt", attempt}, {"wait_ms", wait_ms}});
}

void resumed(std::string_view at, uint64_t skipped_rows) {
  log::info(kComponent, "Binlog reading resumed.", {{"at", at}, {"skipped_rows", skipped_rows}});
}

void failover(std::string_view gtids, uint32_t old_server_id, uint32_t new_server_id) {
  log::warn(kComponent, "The source server changed; resuming by GTID.",
            {{"gtids", gtids},
             {"old_server_id", uint64_t{old_server_id}},
             {"new_server_id", uint64_t{new_server_id}}});
}

void table_seen(std::string_view table, uint32_t version, uint64_t columns, bool from_metadata) {
  log::info(kComponent, "Table schema tracked.",
            {{"table", table},
             {"version", uint64_t{version}},
             {"columns", columns},
             {"names_from", from_metadata ? std::string_view("binlog metadata")
                                          : std::string_view("information_schema")}});
}

void event_skipped(uint8_t type_code, std::string_view at) {
  log::debug(kComponent, "Skipped an event of unknown type.",
             {{"type", uint64_t{type_code}}, {"at", at}});
}

void events_read(uint64_t events, uint64_t bytes, uint64_t rows) {
  static auto& e = Metrics::global().counter("starcdc_mysql_binlog_events_total",
                                             "Binlog events read from the server.");
  static auto& b = Metrics::global().counter("starcdc_mysql_binlog_bytes_total",
                                             "Binlog bytes read from the server.");
  static auto& r = Metrics::global().counter("starcdc_mysql_binlog_rows_total",
                                             "Row changes decoded from captured tables.");
  e.add(events);
  b.add(bytes);
  r.add(rows);
}

void lag_seconds(double lag) {
  static auto& g = Metrics::global().gauge(
      "starcdc_mysql_binlog_lag_seconds",
      "Seconds between the commit of the last transaction read and its reading.");
  g.set(lag);
}

}  // namespace starcdc::mysql_events
