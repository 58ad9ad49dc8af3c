// SchemaChange: a change to a table's shape, in Flink CDC's vocabulary. A schema change is a
// barrier: what came before it is committed before it is applied.
#pragma once

#include <string>

#include "pipeline/model/position.hpp"
#include "pipeline/model/table_schema.hpp"

namespace starcdc {

enum class SchemaChangeKind : uint8_t {
  CreateTable,      // create.table
  AddColumn,        // add.column
  DropColumn,       // drop.column
  RenameColumn,     // rename.column
  AlterColumnType,  // alter.column.type
  TruncateTable,    // truncate.table
  DropTable,        // drop.table
};

// Flink CDC's event name ("add.column"), used by include/exclude.schema.changes and in logs.
const char* schema_change_name(SchemaChangeKind kind);

struct SchemaChange {
  SchemaChangeKind kind = SchemaChangeKind::CreateTable;
  TableId table;
  const TableSchema* schema = nullptr;  // the table after the change (null after DropTable)
  std::string column;                   // the column changed (Add/Drop/Rename/AlterType)
  std::string new_name;                 // RenameColumn
  Column definition;                    // AddColumn, AlterColumnType: the new definition
  std::string after_column;             // AddColumn: insert after this one ("" = last)
  // AddColumn: the column's default as the source reports it (a literal such as 7 or 'abc', or
  // current_timestamp()); rows that existed before the change take it. Empty: none.
  std::string default_value;
  Position position_before;  // source position right before the change
  // False for the CreateTable of a table first seen inside a source transaction: nothing of the
  // table is in flight, so it needs no epoch cut (which must fall between transactions).
  bool barrier = true;
};

}  // namespace starcdc
