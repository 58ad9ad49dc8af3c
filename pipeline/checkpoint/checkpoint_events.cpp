#include "pipeline/checkpoint/checkpoint_events.hpp"

#include <chrono>

#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"

namespace starcdc::checkpoint_events {
namespace {
constexpr std::string_view kComponent = "pipeline.checkpoint";

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

void epoch_committed(uint64_t epoch, uint64_t tables, uint64_t rows, uint64_t bytes, double seconds,
                     std::string_view position, int64_t lag_ms) {
  static auto& total = Metrics::global().counter("starcdc_checkpoints_total", "Epochs committed.");
  static auto& duration = Metrics::global().histogram("starcdc_checkpoint_duration_seconds",
                                                      "Time from barrier to committed, per epoch.");
  static auto& last = Metrics::global().gauge("starcdc_checkpoint_last_success_timestamp_seconds",
                                              "Unix time of the last committed epoch.");
  static auto& epoch_gauge =
      Metrics::global().gauge("starcdc_checkpoint_epoch", "Last committed epoch.");
  static auto& lag = Metrics::global().gauge(
      "starcdc_source_lag_seconds",
      "Time between the source commit of the newest committed change and its commit here.");
  total.add();
  duration.observe(seconds);
  last.set(now_seconds());
  epoch_gauge.set(static_cast<double>(epoch));
  if (lag_ms >= 0) {
    lag.set(static_cast<double>(lag_ms) / 1000.0);
  }
  log::debug(kComponent, "Epoch committed.",
             {{"epoch", epoch},
              {"tables", tables},
              {"rows", rows},
              {"bytes", bytes},
              {"ms", static_cast<int64_t>(seconds * 1000)},
              {"position", position},
              {"lag_ms", lag_ms}});
}

void table_committed(std::string_view table, uint64_t rows, uint64_t bytes) {
  Metrics::global()
      .counter("starcdc_sink_rows_committed_total", "Rows committed to the sink.", table)
      .add(rows);
  Metrics::global()
      .counter("starcdc_sink_bytes_committed_total", "Encoded bytes committed to the sink.", table)
      .add(bytes);
}

void epoch_prepared(uint64_t epoch, uint64_t tables) {
  log::trace(kComponent, "Epoch prepared.", {{"epoch", epoch}, {"tables", tables}});
}

void recovery_started(uint64_t epoch, bool committed, uint64_t prepared,
                      std::string_view position) {
  log::info(
      kComponent, "Recovering from the last checkpoint.",
      {{"epoch", epoch}, {"committed", committed}, {"prepared", prepared}, {"position", position}});
}

void recovery_committed_pending(uint64_t epoch, uint64_t prepared) {
  static auto& c = Metrics::global().counter(
      "starcdc_recovery_pending_epochs_total",
      "Epochs found prepared but not committed at start, and committed by recovery.");
  c.add();
  log::info(kComponent, "Committed the transactions of an epoch prepared before the stop.",
            {{"epoch", epoch}, {"prepared", prepared}});
}

void recovery_finished(uint64_t next_epoch, std::string_view position) {
  log::info(kComponent, "Recovery finished.", {{"next_epoch", next_epoch}, {"position", position}});
}

void epoch_replayed(uint64_t epoch, std::string_view from_position) {
  static auto& c = Metrics::global().counter(
      "starcdc_epoch_replays_total",
      "Epochs replayed because a recorded transaction was lost in the sink.");
  c.add();
  log::error(kComponent,
             "A recorded transaction was lost in the sink; replaying its epoch from the previous "
             "position. Primary Key tables end exact; Duplicate Key tables may get rows twice.",
             {{"epoch", epoch}, {"position", from_position}});
}

void schema_change_applied(const SchemaChange& c, double seconds) {
  const std::string table = c.table.str();
  log::info(kComponent, "Schema change applied.",
            {{"table", std::string_view(table)},
             {"change", schema_change_name(c.kind)},
             {"column", std::string_view(c.column)},
             {"ms", static_cast<int64_t>(seconds * 1000)}});
}

void checkpoint_failed(uint64_t epoch, std::string_view error) {
  log::error(kComponent, "Checkpoint failed.", {{"epoch", epoch}, {"error", error}});
}

}  // namespace starcdc::checkpoint_events
