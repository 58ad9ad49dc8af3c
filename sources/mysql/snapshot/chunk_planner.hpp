// ChunkPlanner: splits one table into chunks of about N rows along its primary key (or a
// configured chunk key column), lazily: it keeps a cursor, never a list, so a billion-row table
// needs no up-front pass and no memory per chunk. A chunk is the key range [low, high); a
// missing bound is open (the first chunk has no low, the last no high).
//
// Two ways to find the next bound, as Flink CDC's MySqlChunkSplitter does:
//  - a single integer key (signed or unsigned, BIGINT UNSIGNED beyond 2^63 included) whose
//    values are evenly spread, (MAX - MIN + 1) / estimated rows within
//    [even_lower, even_upper] (chunk-key.even-distribution.factor.lower/.upper), gets fixed
//    steps of chunk_rows * factor key values from MIN, computed without any further query;
//  - any other key (composite, string, temporal, sparse integers) asks the server for the key
//    chunk_rows rows after the current low: SELECT k FROM t WHERE k >= .. ORDER BY k LIMIT 1
//    OFFSET N. Composite keys compare expanded, (k1 >= x AND (k1 > x OR (k1 = x AND k2 >= y))),
//    not as row values (k1, k2) >= (x, y), which MariaDB 10.11 answers with a full index scan.
//    For a non-unique chunk key column whose value repeats past a whole chunk the bound moves
//    to SELECT MIN(k) FROM t WHERE k > low instead.
//
// Sans I/O: the caller runs the SQL the planner asks for (bounds_sql(), then next_sql() before
// each chunk while needs_query()) and hands back the answer; next_chunk() does that over a
// Connection. Key values are texts as a text-protocol SELECT returns them; SQL literals are
// rendered from them (numbers as they are, other values as hex so no sql_mode can change them).
// Thread: the reader's.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/model/table_id.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/snapshot/snapshot_sql.hpp"

namespace starcdc::mysql::snapshot {

struct KeyColumn {
  std::string name;
  std::string column_type;  // information_schema COLUMN_TYPE, e.g. "bigint(20) unsigned"
  bool nullable = false;    // only a configured chunk key column can be
};

// One text per key column.
using KeyTuple = std::vector<std::string>;

struct Chunk {
  uint64_t id = 0;               // 0, 1, 2... in key order
  std::optional<KeyTuple> low;   // inclusive; nullopt = from the start
  std::optional<KeyTuple> high;  // exclusive; nullopt = to the end
};

struct ChunkOptions {
  uint64_t chunk_rows = 8096;  // scan.incremental.snapshot.chunk.size
  double even_upper = 10.0;    // chunk-key.even-distribution.factor.upper-bound
  double even_lower = 0.05;    // chunk-key.even-distribution.factor.lower-bound
};

// The key columns to chunk by: `chunk_key` when configured (one column of the table), else the
// primary key. Throws Error(Config) for a table without a primary key and no chunk key column,
// a chunk key column the table does not have, or an ENUM/SET key column (its order is not the
// order of its labels).
std::vector<KeyColumn> chunk_key_columns(const TableId& table, std::span<const KeyColumn> columns,
                                         std::span<const std::string> primary_key,
                                         const std::optional<std::string>& chunk_key);

class ChunkPlanner {
 public:
  ChunkPlanner(TableId table, std::vector<KeyColumn> key, ChunkOptions options);

  // One-row query whose answer starts the plan: MIN and MAX of the key's first column and the
  // table's estimated row count (information_schema.TABLES.TABLE_ROWS).
  std::string bounds_sql() const;
  // The answer of bounds_sql() (fields as text, nullopt = NULL). Chooses fixed steps or queries.
  void set_bounds(std::span<const std::optional<std::string>> row);
  // Starts after a checkpoint instead: the next chunk is `next_id` and begins at `low`. Fixed
  // steps, when chosen, continue from `low`.
  void resume(uint64_t next_id, KeyTuple low);

  // True when the next chunk needs the answer of next_sql().
  bool needs_query() const;
  std::string next_sql() const;
  // The next chunk, given the answer of next_sql() when needs_query() (nullopt = no row, or a
  // row of NULLs). nullopt when the table is done (finished()) or when a repeated key value
  // needs one more query first (needs_query() again).
  std::optional<Chunk> next(const std::optional<KeyTuple>& answer = std::nullopt);
  bool finished() const { return finished_; }
  bool evenly_split() const { return even_; }
  // Key values per fixed step (0 unless evenly_split()).
  uint64_t step() const { return step_; }
  // The table's estimated row count from bounds_sql() (information_schema; 0 when unknown).
  uint64_t estimated_rows() const { return estimate_; }
  // Chunks this plan makes in all when evenly split (exact), else an estimate from the row count.
  uint64_t estimated_chunks() const;

  // SELECT <select_list> FROM `db`.`t` WHERE <range of chunk> ORDER BY <key>; the select list
  // holds SQL expressions, one per column (select_expression() of text_values.hpp).
  std::string chunk_sql(const Chunk& chunk, std::span<const std::string> select_list) const;
  // The WHERE condition of a chunk (TRUE for a chunk without bounds).
  std::string chunk_condition(const Chunk& chunk) const;

  // Runs the queries over `conn`: the next chunk, or nullopt at the end.
  asio::awaitable<std::optional<Chunk>> next_chunk(protocol::Connection& conn);

 private:
  std::string table_sql() const;
  std::string key_list() const;
  std::string compare(const char* op, const KeyTuple& k) const;
  std::string literal(size_t column, const std::string& text) const;
  KeyTuple step_value(uint64_t biased) const;

  TableId table_;
  std::vector<KeyColumn> key_;
  ChunkOptions options_;
  bool started_ = false;
  bool finished_ = false;
  bool even_ = false;
  bool key_signed_ = false;     // the integer key for fixed steps is signed
  bool min_after_low_ = false;  // next_sql() asks for MIN(k) > low (repeated key values)
  bool empty_ = false;          // MIN was NULL: one chunk without bounds
  uint64_t step_ = 0;
  uint64_t estimate_ = 0;
  uint64_t max_biased_ = 0;  // MAX as an order-preserving unsigned value
  uint64_t cursor_ = 0;      // the next chunk's low, biased (fixed steps)
  uint64_t next_id_ = 0;
  std::optional<KeyTuple> low_;                          // where the next chunk starts
  std::optional<std::pair<uint64_t, KeyTuple>> resume_;  // applied by set_bounds()
  std::vector<uint8_t> literal_kind_;  // per key column: how its values become SQL
};

}  // namespace starcdc::mysql::snapshot
