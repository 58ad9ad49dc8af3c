// TableTracker: which tables the source captures, and the TableSchema of each, as the binlog's
// TABLE_MAPs (names, types, keys from binlog_row_metadata=FULL) and information_schema (names
// and keys without FULL metadata; shapes after DDL) describe them. It registers schema versions
// and says which SchemaChanges turn the tracked shape into a new one. Thread: pipeline.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/table_pattern.hpp"
#include "pipeline/model/schema_change.hpp"
#include "pipeline/schema_registry.hpp"

namespace starcdc::mysql {

namespace binlog {
struct TableMap;
}

// A table's columns as information_schema lists them.
struct InfoColumn {
  std::string name;
  std::string type;  // COLUMN_TYPE, e.g. "int(11) unsigned"
  bool nullable = true;
  bool key = false;  // part of the primary key
  // COLUMN_DEFAULT: a literal ('abc', 7), an expression (current_timestamp()), or empty for none
  // (MariaDB's "NULL" included).
  std::string default_value;
};

class TableTracker {
 public:
  TableTracker(SchemaRegistry& schemas, const std::vector<std::string>& include,
               const std::vector<std::string>& exclude);

  bool captured(const std::string& database, const std::string& table);

  // The schema a TABLE_MAP's rows decode into. `info` supplies names and keys when the map has
  // no names (nullptr when it has them). When the table is new to this run, or its columns
  // differ by name or count from the tracked schema, registers a new version and appends the
  // changes to `changes` (CreateTable for a new table). Throws Error(Data) when the columns of
  // the map cannot be matched with `info`.
  const TableSchema* resolve(const binlog::TableMap& m, const std::vector<InfoColumn>* info,
                             std::vector<SchemaChange>& changes);
  // After DDL: the table's columns per information_schema. Registers a new version when names,
  // order or types changed and appends the changes; an empty `info` means the table is gone.
  void refresh(const TableId& id, const std::vector<InfoColumn>& info,
               std::vector<SchemaChange>& changes);

  // The table's columns as a DDL statement leaves them (ddl_changes.hpp columns_after()):
  // registers a new version when they differ and appends the changes; `defaults` gives added
  // columns their defaults.
  void evolve(const TableId& id, const std::vector<Column>& columns,
              const std::vector<std::string>& primary_key,
              const std::map<std::string, std::string>& defaults,
              std::vector<SchemaChange>& changes);

  // The schema history kept with the checkpoint: every tracked table's columns and key as of
  // the current position, as a JSON object (rebuilt only after a change).
  const std::string& history_json();
  // Starts from a checkpoint's history: those tables decode with these columns until their DDL
  // says otherwise. Each is announced (CreateTable) again at its first TABLE_MAP of this run.
  // Throws Error(Data) for a document that is not a history.
  void restore_history(const std::string& json);

  // A table as information_schema describes it, before any of its binlog events (the snapshot):
  // registers it when new or different and appends the changes. `primary_key` names the key
  // columns in key order.
  const TableSchema* adopt(const TableId& id, const std::vector<InfoColumn>& info,
                           const std::vector<std::string>& primary_key,
                           std::vector<SchemaChange>& changes);

  const TableSchema* find(const TableId& id) const;
  // The table was dropped: a table created later under the name is new (CreateTable).
  // True while a table restored from the history waits for its announcement in this run.
  bool announcing(const TableId& id) const { return announce_.count(id) != 0; }
  void forget(const TableId& id) {
    tracked_.erase(id);
    history_dirty_ = true;
  }
  std::vector<TableId> tracked() const;
  // True when `sql` (a DDL statement) may concern tracked table `id` (its name appears in it).
  static bool mentions(const std::string& sql, const TableId& id);

 private:
  // A table restored from the history and not yet announced in this run: its CreateTable.
  void announce(const TableId& id, const TableSchema* s, std::vector<SchemaChange>& changes);
  // `info` (when known) gives added columns their defaults.
  const TableSchema* register_version(const TableId& id, std::vector<Column> columns,
                                      std::vector<uint16_t> key, std::vector<SchemaChange>& out,
                                      const std::vector<InfoColumn>* info = nullptr);

  SchemaRegistry& schemas_;
  std::vector<config::TablePattern> include_;
  std::vector<config::TablePattern> exclude_;
  std::map<TableId, bool> captured_;
  std::map<TableId, const TableSchema*> tracked_;
  std::set<TableId> announce_;  // restored from the history, not announced yet in this run
  std::string history_;
  bool history_dirty_ = true;
};

// "int(11) unsigned" → "int unsigned": display widths carry no meaning for the sink.
std::string normalize_info_type(const std::string& column_type);

}  // namespace starcdc::mysql
