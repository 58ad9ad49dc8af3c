// Executes the SQL subset a sink and its tests send over the MySQL protocol (or
// POST /_emulator/sql): DDL, SHOW/DESC, information_schema queries, simple SELECTs, and the
// session queries connectors send at connect. ALTER TABLE column changes run as jobs that finish
// after --alter-delay-ms and are listed by SHOW ALTER TABLE COLUMN.
// Thread: the emulator's single io_context thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "options.hpp"

namespace emu {

class TxnManager;

struct SqlResult {
  enum class Kind : uint8_t { kOk, kError, kRows };
  Kind kind = Kind::kOk;
  uint64_t affected = 0;
  uint16_t error_code = 1064;
  std::string sql_state = "42000";
  std::string message;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;

  static SqlResult ok(uint64_t affected = 0);
  static SqlResult error(const std::string& message, uint16_t code = 1064,
                         const std::string& state = "42000");
  std::string to_json() const;
};

class SqlExecutor {
 public:
  SqlExecutor(Catalog& catalog, TxnManager& txns, const Options& options)
      : catalog_(catalog), txns_(txns), options_(options) {}

  // Executes one statement; *current_db is the session's database (USE changes it).
  SqlResult execute(const std::string& sql, std::string* current_db);
  // Finishes ALTER jobs whose time has come.
  void tick();

 private:
  Catalog& catalog_;
  TxnManager& txns_;
  const Options& options_;
  int64_t next_job_id_ = 20001;
};

}  // namespace emu
