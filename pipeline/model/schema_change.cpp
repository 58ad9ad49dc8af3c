#include "pipeline/model/schema_change.hpp"

namespace starcdc {

const char* schema_change_name(SchemaChangeKind kind) {
  switch (kind) {
    case SchemaChangeKind::CreateTable:
      return "create.table";
    case SchemaChangeKind::AddColumn:
      return "add.column";
    case SchemaChangeKind::DropColumn:
      return "drop.column";
    case SchemaChangeKind::RenameColumn:
      return "rename.column";
    case SchemaChangeKind::AlterColumnType:
      return "alter.column.type";
    case SchemaChangeKind::TruncateTable:
      return "truncate.table";
    case SchemaChangeKind::DropTable:
      return "drop.table";
  }
  return "create.table";
}

}  // namespace starcdc
