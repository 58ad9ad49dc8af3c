// TransactionCommitter: the SinkCommitter of the StarRocks sink. Thread: control.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "pipeline/sink.hpp"
#include "sinks/starrocks/fe_sql.hpp"
#include "sinks/starrocks/starrocks_options.hpp"
#include "sinks/starrocks/stream_load.hpp"

namespace starcdc::starrocks {

class TransactionCommitter : public SinkCommitter {
 public:
  TransactionCommitter(asio::io_context& io, SinkSettings settings);

  asio::awaitable<void> load(const LoadChunk& chunk) override;
  asio::awaitable<std::vector<PreparedTxn>> prepare(uint64_t epoch) override;
  asio::awaitable<void> commit(uint64_t epoch, std::vector<PreparedTxn> txns) override;
  asio::awaitable<void> abort(uint64_t epoch, std::vector<PreparedTxn> txns) override;
  asio::awaitable<void> apply(SchemaChange change) override;
  asio::awaitable<bool> recover(const CheckpointRecord* last) override;

 private:
  struct OpenTxn {
    TableId table;
    std::string label;
    Headers load_headers;
    std::vector<uint64_t> columns;  // LoadChunk::columns of its rows
    uint64_t rows = 0;
  };

  asio::awaitable<void> begin(OpenTxn& txn);
  asio::awaitable<void> load_into(OpenTxn& txn, const LoadChunk& chunk);
  asio::awaitable<void> load_plain(const LoadChunk& chunk);
  asio::awaitable<void> prepare_one(OpenTxn& txn);
  asio::awaitable<bool> commit_one(TableId table, std::string label);
  asio::awaitable<void> rollback(TableId table, std::string label);
  // get_load_state, retried; returns the state ("UNKNOWN" when the label is not known).
  asio::awaitable<std::string> state_of(std::string database, std::string label);
  // Polls while the state is PREPARE (up to a minute); returns the settled state.
  asio::awaitable<std::string> settled_state(std::string database, std::string label);
  asio::awaitable<void> backoff(int attempt, std::string what, std::string error);
  asio::awaitable<void> wait_alter_finished(TableId table);
  asio::awaitable<void> add_missing_columns(const TableSchema& schema, TableId table);
  // ALTER TABLE ... ADD COLUMN (nullable, mapped type), waits for the job; returns the statement.
  // `default_value`: the source's default (SchemaChange::default_value), given to StarRocks
  // when it is a literal or CURRENT_TIMESTAMP, so rows that existed before take it. `after`:
  // the column it follows (AFTER), or "" for the end.
  asio::awaitable<std::string> add_column(TableId table, Column column,
                                          const std::string& default_value = "",
                                          const std::string& after = "");
  asio::awaitable<bool> column_exists(TableId table, std::string column);

  Headers load_headers_for(const TableSchema* schema, const std::vector<uint64_t>& columns) const;
  // The load body of `chunk`: views of its rows, or of `packed` when bodies are compressed.
  std::vector<std::string_view> framed(const LoadChunk& chunk, std::string& packed) const;

  SinkSettings settings_;
  StarRocksApi api_;
  FeSql sql_;
  asio::steady_timer timer_;
  // Per epoch and table, its transactions in the order they began (and commit): one, or more
  // when rows come with different column sets.
  std::map<std::pair<uint64_t, TableId>, std::vector<OpenTxn>> open_;
  std::string run_id_;  // at-least-once labels
  uint64_t batch_seq_ = 0;
};

}  // namespace starcdc::starrocks
