// Databases, tables and their committed rows. Primary Key tables keep one row per key (upsert,
// delete, partial update, merge_condition); Duplicate Key tables append.
// Thread: the emulator's single io_context thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "value_types.hpp"

namespace emu {

using Cell = std::optional<std::string>;  // canonical text, nullopt = NULL
using Row = std::vector<Cell>;

struct Column {
  std::string name;
  ColumnType type;
  bool nullable = true;
  bool is_key = false;
  std::optional<std::string> default_value;  // canonical
  bool default_current_timestamp = false;
  std::string comment;
};

enum class KeysType : uint8_t { kPrimary, kDuplicate };

// One row change staged by a load and applied at publish.
struct RowOp {
  bool is_delete = false;
  Row values;                 // one cell per table column (by index at load time)
  std::vector<bool> present;  // partial update: which columns the load supplied; empty = all
};

struct AlterJob {
  int64_t job_id = 0;
  std::string table_name;
  std::string create_time;
  std::string finish_time;
  std::chrono::steady_clock::time_point finish_at;
  int64_t transaction_id = 0;
  std::string state;  // PENDING, RUNNING, FINISHED, CANCELLED
  std::string msg;
  int timeout_s = 86400;
  std::vector<Column> new_columns;  // schema after the job
};

class Table {
 public:
  std::string name;
  int64_t id = 0;
  KeysType keys_type = KeysType::kDuplicate;
  std::vector<Column> columns;
  std::vector<std::string> key_names;
  std::vector<std::string> distribution;
  int buckets = 0;
  std::vector<std::pair<std::string, std::string>> properties;
  std::string comment;
  uint64_t versions = 0;  // pending tablet versions (compaction lowers it)
  uint64_t next_version = 2;

  int column_index(std::string_view name) const;  // -1 if absent (case-insensitive)
  // Applies one staged change; the op's values are moved into the table.
  void apply(RowOp&& op, const std::string& merge_condition);
  void truncate();
  size_t row_count() const;
  // Rows sorted by key columns (PK order for PK tables; key columns then all for duplicates).
  std::vector<const Row*> sorted_rows() const;
  // Re-shapes stored rows to a new column list (columns matched by name; new ones get defaults).
  void reshape(const std::vector<Column>& new_columns,
               const std::vector<std::pair<std::string, std::string>>& renames);
  Row default_row() const;

 private:
  std::string encode_key(const Row& row) const;
  std::map<std::string, Row> pk_rows_;
  std::vector<Row> dup_rows_;
};

class Database {
 public:
  std::string name;
  int64_t id = 0;
  std::map<std::string, std::unique_ptr<Table>> tables;  // lower-case name
  std::vector<AlterJob> alter_jobs;
  Table* find(std::string_view table) const;
};

class Catalog {
 public:
  Database* find_db(std::string_view name) const;
  Table* find_table(std::string_view db, std::string_view table) const;
  Database* create_db(const std::string& name);
  bool drop_db(std::string_view name);
  std::vector<const Database*> databases() const;
  int64_t next_id() { return next_id_++; }
  int64_t peek_next_id() const { return next_id_; }
  void set_next_id(int64_t id) { next_id_ = id; }
  void clear();

 private:
  std::map<std::string, std::unique_ptr<Database>> dbs_;  // lower-case name
  int64_t next_id_ = 10001;
};

std::string lower_name(std::string_view s);
std::string now_datetime_text();

}  // namespace emu
