// The DDL of a binlog QUERY event → what it does to table shapes. A hand-written parser for the
// statements that create, alter, rename, truncate or drop tables, in the MySQL 5.7/8.x and
// MariaDB 10.x/11.x grammar (sql/sql_yacc.yy of both servers, the CREATE TABLE and ALTER TABLE
// pages of their manuals); every other statement is Irrelevant.
//
// What it reads: comments of all three kinds; executable comments /*!50100 ... */ and MariaDB
// /*M!100301 ... */ (their content is parsed whatever the version); `quoted` and "quoted" names
// (the latter wherever a name must stand, and everywhere under ANSI_QUOTES); strings with
// backslash escapes unless NO_BACKSLASH_ESCAPES; table options, keys, checks, foreign keys,
// periods and partition clauses, which it skips; generated, invisible and system-versioning
// columns. Names keep their case as written; types are normalized as information_schema
// COLUMN_TYPE prints them after normalize_info_type() (lower case, no integer display width, no
// ZEROFILL), so a parsed column compares equal to the one read back from the server.
//
// Allocation: tokens are views into the statement; only the returned Statement owns strings.
// An irrelevant statement is classified from its first few tokens, however long it is.
// Thread: any (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/model/table_id.hpp"

namespace starcdc::mysql::ddl {

// The sql_mode bits that change how a statement is tokenized or typed (QUERY_EVENT
// Q_SQL_MODE_CODE; sql/system_variables.h MODE_*).
struct SqlMode {
  bool ansi_quotes = false;           // "x" is a name, never a string
  bool no_backslash_escapes = false;  // '\' is an ordinary character in strings
  bool real_as_float = false;         // REAL is FLOAT, not DOUBLE

  static SqlMode from_bits(uint64_t sql_mode) {
    return SqlMode{(sql_mode & kAnsiQuotes) != 0, (sql_mode & kNoBackslashEscapes) != 0,
                   (sql_mode & kRealAsFloat) != 0};
  }
  static constexpr uint64_t kRealAsFloat = 1;
  static constexpr uint64_t kAnsiQuotes = 4;
  static constexpr uint64_t kNoBackslashEscapes = uint64_t{1} << 20;
};

enum class DefaultKind : uint8_t {
  None,        // no DEFAULT clause (or ALTER COLUMN ... DROP DEFAULT)
  Null,        // DEFAULT NULL
  String,      // a quoted literal, also DATE '...' and _charset'...'; value unquoted, unescaped
  Number,      // a decimal number with its sign as written ("-1.5", "1e3"); TRUE/FALSE as 1/0
  Expression,  // anything else, as written: CURRENT_TIMESTAMP(3), (uuid()), x'0f', b'1', 0x1f
};

enum class Generated : uint8_t {
  No,
  Virtual,   // AS (expr) [VIRTUAL]
  Stored,    // AS (expr) STORED | PERSISTENT
  RowStart,  // MariaDB GENERATED ALWAYS AS ROW START (system-versioned tables)
  RowEnd,    // ... AS ROW END
};

// One column definition as written.
struct ColumnSpec {
  std::string name;
  // Normalized, lower case: "int unsigned", "tinyint" (also BOOL), "bigint unsigned" (SERIAL),
  // "varchar(64)", "char(1)", "decimal(10,0)", "double", "float(7,3)", "bit(1)", "datetime(3)",
  // "enum('a','it''s')" (labels keep their case), "mediumtext" (LONG VARCHAR), "json", "uuid",
  // "vector(3)". CHARACTER SET binary turns char types into binary ones (VARCHAR → varbinary).
  std::string type;
  bool nullable = true;         // NOT NULL, PRIMARY KEY and SERIAL make it false
  bool null_specified = false;  // NULL or NOT NULL was written (TIMESTAMP columns default to
                                // NOT NULL while explicit_defaults_for_timestamp is off)
  DefaultKind default_kind = DefaultKind::None;
  std::string default_value;  // see DefaultKind; empty for None and Null
  bool primary_key = false;   // part of the primary key: inline, or named by PRIMARY KEY (...)
  bool auto_increment = false;
  Generated generated = Generated::No;
  std::string expression;          // of a Virtual/Stored column, as written, without the outer ()
  bool invisible = false;          // INVISIBLE (MySQL 8.0.23, MariaDB 10.3)
  std::string on_update;           // ON UPDATE CURRENT_TIMESTAMP(3): the value as written
  std::string comment;             // unescaped
  std::string charset, collation;  // lower case, as written (NATIONAL types: utf8mb3)

  bool operator==(const ColumnSpec&) const = default;
};

struct Position {
  enum class Kind : uint8_t { Last, First, After };
  Kind kind = Kind::Last;
  std::string after;  // the column named by AFTER

  bool operator==(const Position&) const = default;
};

enum class OpKind : uint8_t {
  AddColumn,             // column, position, if_not_exists
  DropColumn,            // column.name, if_exists
  ModifyColumn,          // column, position, if_exists
  ChangeColumn,          // old_name → column, position, if_exists
  RenameColumn,          // old_name → column.name, if_exists
  AlterColumnDefault,    // column.name and column.default_kind/default_value (None: DROP DEFAULT)
  RenameTable,           // new_table (ALTER TABLE ... RENAME [TO|AS] x)
  AddPrimaryKey,         // key_columns
  DropPrimaryKey,        // DROP PRIMARY KEY, DROP INDEX `PRIMARY`, DROP CONSTRAINT `PRIMARY`
  ConvertCharset,        // CONVERT TO CHARACTER SET: column.charset, column.collation
  AddSystemVersioning,   // MariaDB ADD SYSTEM VERSIONING (adds hidden ROW START/END columns)
  DropSystemVersioning,  // MariaDB DROP SYSTEM VERSIONING
  // Rows removed without row events: DROP PARTITION and TRUNCATE PARTITION (partitions holds
  // the names, or "ALL"); EXCHANGE PARTITION p WITH TABLE new_table swaps rows with new_table.
  TruncatePartition,
  ExchangePartition,
};

struct AlterOp {
  OpKind kind = OpKind::AddColumn;
  ColumnSpec column;
  std::string old_name;
  Position position;
  TableId new_table;
  std::vector<std::string> key_columns;
  std::vector<std::string> partitions;
  bool if_exists = false, if_not_exists = false;

  bool operator==(const AlterOp&) const = default;
};

enum class Kind : uint8_t {
  Irrelevant,         // changes no table shape: DML, GRANT, CREATE INDEX/VIEW/..., SET, ...
  CreateTable,        // table, columns, primary_key
  CreateTableLike,    // table, like
  CreateTableSelect,  // table, the columns written before the query; the rest come from it
  AlterTable,         // table, ops (maybe none: an ALTER of indexes or options only)
  RenameTables,       // renames in order (each sees the previous ones done)
  TruncateTable,      // table
  DropTables,         // dropped
};

struct Statement {
  Kind kind = Kind::Irrelevant;
  TableId table;
  std::vector<ColumnSpec> columns;
  std::vector<std::string> primary_key;  // key columns in key order
  TableId like;
  std::vector<AlterOp> ops;  // only the ops that change columns, the key, rows or the name
  // RENAME TABLE a TO b, c TO d; also ALTER TABLE a RENAME TO b (beside its RenameTable op).
  std::vector<std::pair<TableId, TableId>> renames;
  std::vector<TableId> dropped;
  bool if_not_exists = false, if_exists = false, temporary = false;
  bool or_replace = false;        // MariaDB CREATE OR REPLACE TABLE (drops an existing one)
  bool system_versioned = false;  // CREATE TABLE ... WITH SYSTEM VERSIONING
  // CREATE TABLE options: [DEFAULT] CHARSET / COLLATE (lower case) and COMMENT (unescaped).
  std::string charset, collation, comment;

  bool operator==(const Statement&) const = default;
};

// Parses one statement as a QUERY event carries it. `default_db` (the event's database) names
// the database of unqualified tables, as the server resolves them. A trailing ';' and what
// follows it are ignored.
//
// Returns Kind::Irrelevant, without reading further, for statements that change no table shape
// (GRANT, CREATE USER, CREATE INDEX, CREATE VIEW/PROCEDURE/TRIGGER/EVENT/SEQUENCE, SET, FLUSH,
// ANALYZE, OPTIMIZE, ALTER/CREATE/DROP DATABASE, DML, BEGIN, ...). Throws Error(ErrorKind::Data)
// "what is wrong, at offset N near '...'" for a CREATE TABLE, ALTER TABLE, RENAME TABLE,
// TRUNCATE, DROP TABLE or DROP INDEX `PRIMARY` statement it cannot understand; the caller adds
// the statement and the binlog position.
Statement parse(std::string_view sql, std::string_view default_db, const SqlMode& mode = {});

// The tables a CREATE/ALTER/RENAME/TRUNCATE/DROP TABLE statement names at its own level (the
// table created, altered, truncated; LIKE's source; both sides of each rename; each dropped
// table; not the parents of foreign keys), in order, as far as they can be read: whether a
// statement parse() rejects concerns a captured table. Empty for an irrelevant statement, or
// when not even the first name can be read. Never throws.
std::vector<TableId> named_tables(std::string_view sql, std::string_view default_db,
                                  const SqlMode& mode = {});

// The table an online schema change tool copies into or out of, for one of its helper tables:
// gh-ost's _t_gho (the copy), _t_ghc (its changelog) and _t_del (the old table after the swap),
// pt-online-schema-change's _t_new and _t_old (one leading underscore is taken off: "__t_new",
// which pt-osc uses when "_t_new" exists, gives "_t"). nullopt for any other name.
std::optional<std::string> shadow_table_origin(std::string_view table);

// A stable one-statement text of `s` (corpus tests, debug logs): the kind and table on the
// first line, then one indented line per column, key, op, rename or dropped table.
std::string describe(const Statement& s);

}  // namespace starcdc::mysql::ddl
