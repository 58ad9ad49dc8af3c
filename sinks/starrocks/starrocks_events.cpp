#include "sinks/starrocks/starrocks_events.hpp"

#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"

namespace starcdc::starrocks_events {
namespace {
constexpr std::string_view kComponent = "sink.starrocks";
}

void transaction_begun(std::string_view table, std::string_view label) {
  log::trace(kComponent, "Transaction begun.", {{"table", table}, {"label", label}});
}

void transaction_committed(std::string_view table, std::string_view label, uint64_t rows,
                           int64_t ms) {
  static auto& c = Metrics::global().counter("starcdc_starrocks_transactions_committed_total",
                                             "StarRocks transactions committed.");
  c.add();
  log::debug(kComponent, "Transaction committed.",
             {{"table", table}, {"label", label}, {"rows", rows}, {"ms", ms}});
}

void request_retried(std::string_view what, std::string_view error, int attempt, int64_t wait_ms) {
  static auto& c =
      Metrics::global().counter("starcdc_starrocks_retries_total", "StarRocks requests retried.");
  c.add();
  log::warn(kComponent, "StarRocks request failed; retrying.",
            {{"request", what}, {"error", error}, {"attempt", attempt}, {"wait_ms", wait_ms}});
}

void lingering_rolled_back(std::string_view table, std::string_view label, std::string_view state) {
  log::warn(kComponent, "Rolled back a transaction begun after the last checkpoint.",
            {{"table", table}, {"label", label}, {"state", state}});
}

void recorded_transaction_committed(std::string_view label, std::string_view state) {
  log::info(kComponent, "Committed a recorded transaction left prepared.",
            {{"label", label}, {"state", state}});
}

void recorded_transaction_lost(std::string_view label, std::string_view state) {
  log::error(kComponent, "A recorded transaction is no longer committable.",
             {{"label", label}, {"state", state}});
}

void ddl_applied(std::string_view table, std::string_view statement, int64_t ms) {
  log::info(kComponent, "DDL applied.", {{"table", table}, {"sql", statement}, {"ms", ms}});
}

void load_sent(uint64_t bytes, uint64_t rows, int64_t /*ms*/) {
  static auto& b = Metrics::global().counter("starcdc_starrocks_load_bytes_total",
                                             "Bytes sent in Stream Load bodies.");
  static auto& r = Metrics::global().counter("starcdc_starrocks_load_requests_total",
                                             "Stream Load requests that succeeded.");
  b.add(bytes);
  r.add();
  (void)rows;
}

}  // namespace starcdc::starrocks_events
