// FeSql: SQL on the StarRocks FE over the MySQL protocol (mysql-connector-c++ 1.1), for DDL and
// metadata. The connector blocks, so statements run on a one-thread pool and are awaited from
// the control thread. One connection, reopened after a failure; FE addresses tried in turn.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "sinks/starrocks/starrocks_options.hpp"

namespace starcdc::starrocks {

using SqlRow = std::vector<std::optional<std::string>>;

class FeSql {
 public:
  explicit FeSql(const SinkSettings& settings);
  ~FeSql();
  FeSql(const FeSql&) = delete;
  FeSql& operator=(const FeSql&) = delete;

  // Runs a statement; throws Error(Refused) for access problems, Error(Transient) when the FE
  // cannot be reached, Error(Data) when it rejects the statement (the message names `what`).
  asio::awaitable<void> execute(std::string sql, std::string what);
  asio::awaitable<std::vector<SqlRow>> query(std::string sql, std::string what);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace starcdc::starrocks
