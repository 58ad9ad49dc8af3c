// describe(): the text form of a Statement that tests/fixtures/ddl/corpus.txt spells out.
// Names print bare when they are [A-Za-z0-9_$]+, else `quoted`; strings print '...' with ''
// for a quote and \xNN for control bytes and backslashes.
#include <cstdio>
#include <string>

#include "sources/mysql/ddl/ddl_parser.hpp"

namespace starcdc::mysql::ddl {
namespace {

bool bare(const std::string& name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '$';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string name(const std::string& n) {
  if (bare(n)) {
    return n;
  }
  std::string out = "`";
  for (const char c : n) {
    out.push_back(c);
    if (c == '`') {
      out.push_back('`');
    }
  }
  return out + "`";
}

std::string table(const TableId& t) {
  return t.database.empty() ? name(t.table) : name(t.database) + "." + name(t.table);
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < ' ' || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += hex;
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& n : list) {
    out += (out.empty() ? "" : ",") + name(n);
  }
  return out;
}

std::string default_text(const ColumnSpec& c) {
  switch (c.default_kind) {
    case DefaultKind::None:
      return "";
    case DefaultKind::Null:
      return " default=null";
    case DefaultKind::String:
      return " default=" + quoted(c.default_value);
    case DefaultKind::Number:
      return " default=" + c.default_value;
    case DefaultKind::Expression:
      return " default=expr:" + c.default_value;
  }
  return "";
}

std::string column(const ColumnSpec& c) {
  std::string out = name(c.name) + " " + c.type;
  out += c.nullable ? (c.null_specified ? " null" : "") : " not_null";
  out += c.primary_key ? " pk" : "";
  out += c.auto_increment ? " auto_increment" : "";
  out += default_text(c);
  switch (c.generated) {
    case Generated::No:
      break;
    case Generated::Virtual:
      out += " virtual=" + quoted(c.expression);
      break;
    case Generated::Stored:
      out += " stored=" + quoted(c.expression);
      break;
    case Generated::RowStart:
      out += " row_start";
      break;
    case Generated::RowEnd:
      out += " row_end";
      break;
  }
  out += c.invisible ? " invisible" : "";
  out += c.on_update.empty() ? "" : " on_update=" + c.on_update;
  out += c.charset.empty() ? "" : " charset=" + c.charset;
  out += c.collation.empty() ? "" : " collate=" + c.collation;
  out += c.comment.empty() ? "" : " comment=" + quoted(c.comment);
  return out;
}

std::string position(const Position& p) {
  switch (p.kind) {
    case Position::Kind::Last:
      return "";
    case Position::Kind::First:
      return " first";
    case Position::Kind::After:
      return " after=" + name(p.after);
  }
  return "";
}

std::string op_text(const AlterOp& op) {
  std::string out;
  switch (op.kind) {
    case OpKind::AddColumn:
      out = "add_column " + column(op.column) + position(op.position);
      break;
    case OpKind::DropColumn:
      out = "drop_column " + name(op.column.name);
      break;
    case OpKind::ModifyColumn:
      out = "modify_column " + column(op.column) + position(op.position);
      break;
    case OpKind::ChangeColumn:
      out =
          "change_column " + name(op.old_name) + " -> " + column(op.column) + position(op.position);
      break;
    case OpKind::RenameColumn:
      out = "rename_column " + name(op.old_name) + " -> " + name(op.column.name);
      break;
    case OpKind::AlterColumnDefault: {
      const std::string d = default_text(op.column);
      out = "alter_column_default " + name(op.column.name) + (d.empty() ? " drop" : d);
      break;
    }
    case OpKind::RenameTable:
      out = "rename_table -> " + table(op.new_table);
      break;
    case OpKind::AddPrimaryKey:
      out = "add_primary_key " + names(op.key_columns);
      break;
    case OpKind::DropPrimaryKey:
      out = "drop_primary_key";
      break;
    case OpKind::ConvertCharset:
      out = "convert_charset " + op.column.charset +
            (op.column.collation.empty() ? "" : " collate=" + op.column.collation);
      break;
    case OpKind::AddSystemVersioning:
      out = "add_system_versioning";
      break;
    case OpKind::DropSystemVersioning:
      out = "drop_system_versioning";
      break;
    case OpKind::TruncatePartition:
      out = "truncate_partition " + names(op.partitions);
      break;
    case OpKind::ExchangePartition:
      out = "exchange_partition " + names(op.partitions) + " with " + table(op.new_table);
      break;
  }
  out += op.if_exists ? " if_exists" : "";
  out += op.if_not_exists ? " if_not_exists" : "";
  return out;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Irrelevant:
      return "irrelevant";
    case Kind::CreateTable:
      return "create_table";
    case Kind::CreateTableLike:
      return "create_table_like";
    case Kind::CreateTableSelect:
      return "create_table_select";
    case Kind::AlterTable:
      return "alter_table";
    case Kind::RenameTables:
      return "rename_tables";
    case Kind::TruncateTable:
      return "truncate_table";
    case Kind::DropTables:
      return "drop_tables";
  }
  return "?";
}

}  // namespace

std::string describe(const Statement& s) {
  std::string out = kind_name(s.kind);
  if (s.kind == Kind::Irrelevant) {
    return out;
  }
  if (!s.table.table.empty()) {
    out += " " + table(s.table);
  }
  out += s.kind == Kind::CreateTableLike ? " like=" + table(s.like) : "";
  out += s.if_not_exists ? " if_not_exists" : "";
  out += s.if_exists ? " if_exists" : "";
  out += s.temporary ? " temporary" : "";
  out += s.or_replace ? " or_replace" : "";
  out += s.system_versioned ? " system_versioned" : "";
  out += s.charset.empty() ? "" : " charset=" + s.charset;
  out += s.collation.empty() ? "" : " collate=" + s.collation;
  out += s.comment.empty() ? "" : " comment=" + quoted(s.comment);
  for (const ColumnSpec& c : s.columns) {
    out += "\n  column " + column(c);
  }
  if (!s.primary_key.empty()) {
    out += "\n  primary_key " + names(s.primary_key);
  }
  for (const AlterOp& op : s.ops) {
    out += "\n  " + op_text(op);
  }
  if (s.kind == Kind::RenameTables) {
    for (const auto& [from, to] : s.renames) {
      out += "\n  " + table(from) + " -> " + table(to);
    }
  }
  for (const TableId& t : s.dropped) {
    out += "\n  " + table(t);
  }
  return out;
}

}  // namespace starcdc::mysql::ddl
