// What a DDL statement of the binlog tells beyond the columns information_schema shows after it:
// which dropped-and-added column pair is a rename, and which tracked tables it truncates or drops.
// The DDL parser (ddl/) reads the statement; a statement it cannot read stops the pipeline only
// when it names a tracked table. Thread: pipeline.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model/schema_change.hpp"
#include "sources/mysql/ddl/ddl_parser.hpp"
#include "sources/mysql/table_tracker.hpp"

namespace starcdc::mysql {

// The statement parsed, or nullopt when it cannot be read and names no tracked table (it is
// skipped). Throws Error(Data) naming the statement and `where` (binlog file:offset) when it
// cannot be read and names a tracked table.
std::optional<ddl::Statement> parse_ddl(std::string_view sql, std::string_view database,
                                        std::optional<uint64_t> sql_mode,
                                        const std::vector<TableId>& tracked,
                                        const std::string& where);

// The columns and key of `table` after `stmt` (CREATE TABLE, CREATE TABLE ... LIKE a tracked
// table, or ALTER TABLE of a tracked one), computed from the statement alone: the schema as of
// this point of the binlog, whatever the server's information_schema says now. nullopt when the
// statement does not tell (CREATE TABLE ... SELECT, an ALTER the applier does not model): the
// caller reads information_schema instead. `defaults` receives added columns' defaults.
struct ColumnsAfter {
  std::vector<Column> columns;
  std::vector<std::string> primary_key;
  std::map<std::string, std::string> defaults;  // column → SchemaChange::default_value
};
std::optional<ColumnsAfter> columns_after(const ddl::Statement& stmt, const TableId& table,
                                          const TableTracker& tracker);

// Rewrites `changes` (found by TableTracker::refresh) with what `stmt` says:
//  - a DropColumn + AddColumn pair that the statement names a rename (RENAME COLUMN, CHANGE
//    with a new name) becomes a RenameColumn, followed by an AlterColumnType when CHANGE also
//    changed the type (`before`: the tables' schemas before the statement);
//  - TRUNCATE of a tracked table adds a TruncateTable, DROP TABLE a DropTable (and the tracker
//    forgets the table, so one created again under the name is a new table).
void apply_statement(const ddl::Statement& stmt,
                     const std::map<TableId, const TableSchema*>& before, TableTracker& tracker,
                     std::vector<SchemaChange>& changes);

}  // namespace starcdc::mysql
