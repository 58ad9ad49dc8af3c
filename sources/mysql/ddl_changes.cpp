#include "sources/mysql/ddl_changes.hpp"

#include <algorithm>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"

namespace starcdc::mysql {
namespace {

constexpr size_t kStatementInMessage = 300;

bool same_table(const TableId& a, const TableId& b) {
  return a.database == b.database && a.table == b.table;
}

int find_change(const std::vector<SchemaChange>& changes, SchemaChangeKind kind,
                const TableId& table, const std::string& column) {
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].kind == kind && same_table(changes[i].table, table) &&
        changes[i].column == column) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void rename(const TableId& table, const std::string& old_name, const std::string& new_name,
            const TableSchema* before, std::vector<SchemaChange>& changes) {
  const int drop = find_change(changes, SchemaChangeKind::DropColumn, table, old_name);
  const int add = find_change(changes, SchemaChangeKind::AddColumn, table, new_name);
  if (drop < 0 || add < 0) {
    return;  // information_schema shows something else (a later statement already ran)
  }
  const SchemaChange added = changes[static_cast<size_t>(add)];
  SchemaChange& r = changes[static_cast<size_t>(drop)];
  r.kind = SchemaChangeKind::RenameColumn;
  r.new_name = new_name;
  r.schema = added.schema;
  changes.erase(changes.begin() + add);
  const int old_index = before == nullptr ? -1 : before->find_column(old_name);
  if (old_index >= 0 &&
      before->columns()[static_cast<size_t>(old_index)].type != added.definition.type) {
    SchemaChange t = added;
    t.kind = SchemaChangeKind::AlterColumnType;
    t.column = new_name;
    t.after_column.clear();
    t.default_value.clear();
    const auto at = std::find_if(changes.begin(), changes.end(), [&](const SchemaChange& c) {
      return c.kind == SchemaChangeKind::RenameColumn && same_table(c.table, table) &&
             c.column == old_name;
    });
    changes.insert(at == changes.end() ? at : at + 1, t);
  }
}

Column column_of(const ddl::ColumnSpec& c) { return Column{c.name, c.type, c.nullable}; }

// What rows that exist get for a column added NOT NULL without a DEFAULT: the type's implicit
// default (0, '', the first ENUM label); "" when it has none StarRocks could take (temporals).
std::string implicit_default(const ddl::ColumnSpec& c) {
  if (c.nullable || c.auto_increment || c.generated != ddl::Generated::No) {
    return "";
  }
  const std::string& t = c.type;
  auto starts = [&](const char* p) { return t.rfind(p, 0) == 0; };
  if (starts("tinyint") || starts("smallint") || starts("mediumint") || starts("int") ||
      starts("bigint") || starts("decimal") || starts("float") || starts("double") ||
      starts("year") || starts("bit")) {
    return "0";
  }
  if (starts("char") || starts("varchar") || starts("binary") || starts("varbinary")) {
    return "''";
  }
  if (starts("enum(")) {
    const size_t q = t.find('\'');
    const size_t end = q == std::string::npos ? q : t.find('\'', q + 1);
    return end == std::string::npos ? "" : t.substr(q, end - q + 1);
  }
  return "";
}

std::string default_of(const ddl::ColumnSpec& c) {
  switch (c.default_kind) {
    case ddl::DefaultKind::None:
      return implicit_default(c);
    case ddl::DefaultKind::String: {
      std::string out = "'";
      for (const char ch : c.default_value) {
        out.push_back(ch);
        if (ch == '\'') {
          out.push_back('\'');
        }
      }
      return out + "'";
    }
    case ddl::DefaultKind::Number:
    case ddl::DefaultKind::Expression:
      return c.default_value;
    default:
      return "";
  }
}

int column_index(const std::vector<Column>& cols, const std::string& name) {
  for (size_t i = 0; i < cols.size(); ++i) {
    // Column names are case-insensitive in MySQL and MariaDB.
    if (cols[i].name.size() == name.size() &&
        std::equal(name.begin(), name.end(), cols[i].name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Places `col` per `pos` (FIRST, AFTER x, or where `keep_at` says; -1 = last).
bool place(std::vector<Column>& cols, Column col, const ddl::Position& pos, int keep_at) {
  int at = keep_at < 0 ? static_cast<int>(cols.size()) : keep_at;
  if (pos.kind == ddl::Position::Kind::First) {
    at = 0;
  } else if (pos.kind == ddl::Position::Kind::After) {
    const int after = column_index(cols, pos.after);
    if (after < 0) {
      return false;
    }
    at = after + 1;
  }
  cols.insert(cols.begin() + std::min<int>(at, static_cast<int>(cols.size())), std::move(col));
  return true;
}

}  // namespace

std::optional<ColumnsAfter> columns_after(const ddl::Statement& stmt, const TableId& table,
                                          const TableTracker& tracker) {
  using ddl::Kind;
  using ddl::OpKind;
  ColumnsAfter out;
  if (stmt.kind == Kind::CreateTable && same_table(stmt.table, table)) {
    for (const ddl::ColumnSpec& c : stmt.columns) {
      if (c.invisible || c.generated == ddl::Generated::RowStart ||
          c.generated == ddl::Generated::RowEnd) {
        return std::nullopt;  // hidden columns: let the server say what the binlog carries
      }
      out.columns.push_back(column_of(c));
    }
    out.primary_key = stmt.primary_key;
    return out;
  }
  if (stmt.kind == Kind::CreateTableLike && same_table(stmt.table, table)) {
    const TableSchema* like = tracker.find(stmt.like);
    if (like == nullptr) {
      return std::nullopt;
    }
    out.columns.assign(like->columns().begin(), like->columns().end());
    for (const uint16_t k : like->primary_key()) {
      out.primary_key.push_back(like->columns()[k].name);
    }
    return out;
  }
  const TableSchema* now = tracker.find(table);
  if (stmt.kind != Kind::AlterTable || !same_table(stmt.table, table) || now == nullptr) {
    return std::nullopt;
  }
  std::vector<Column> cols(now->columns().begin(), now->columns().end());
  for (const uint16_t k : now->primary_key()) {
    out.primary_key.push_back(now->columns()[k].name);
  }
  for (const ddl::AlterOp& op : stmt.ops) {
    switch (op.kind) {
      case OpKind::AddColumn:
        if (op.column.invisible || op.column.generated != ddl::Generated::No) {
          return std::nullopt;
        }
        if (column_index(cols, op.column.name) >= 0) {
          if (op.if_not_exists) {
            break;
          }
          return std::nullopt;
        }
        if (!place(cols, column_of(op.column), op.position, -1)) {
          return std::nullopt;
        }
        out.defaults[op.column.name] = default_of(op.column);
        if (op.column.primary_key) {
          out.primary_key.push_back(op.column.name);
        }
        break;
      case OpKind::DropColumn: {
        const int i = column_index(cols, op.column.name);
        if (i < 0) {
          if (op.if_exists) {
            break;
          }
          return std::nullopt;
        }
        cols.erase(cols.begin() + i);
        std::erase(out.primary_key, op.column.name);
        break;
      }
      case OpKind::ModifyColumn:
      case OpKind::ChangeColumn: {
        const std::string& old = op.kind == OpKind::ModifyColumn ? op.column.name : op.old_name;
        const int i = column_index(cols, old);
        if (i < 0 || op.column.generated != ddl::Generated::No) {
          if (i < 0 && op.if_exists) {
            break;
          }
          return std::nullopt;
        }
        const std::string old_name = cols[static_cast<size_t>(i)].name;
        cols.erase(cols.begin() + i);
        if (!place(cols, column_of(op.column), op.position, i)) {
          return std::nullopt;
        }
        for (auto& k : out.primary_key) {
          if (k == old_name) {
            k = op.column.name;
          }
        }
        break;
      }
      case OpKind::RenameColumn: {
        const int i = column_index(cols, op.old_name);
        if (i < 0) {
          return std::nullopt;
        }
        for (auto& k : out.primary_key) {
          if (k == cols[static_cast<size_t>(i)].name) {
            k = op.column.name;
          }
        }
        cols[static_cast<size_t>(i)].name = op.column.name;
        break;
      }
      case OpKind::AddPrimaryKey:
        out.primary_key = op.key_columns;
        for (const auto& k : op.key_columns) {
          const int i = column_index(cols, k);
          if (i >= 0) {
            cols[static_cast<size_t>(i)].nullable = false;
          }
        }
        break;
      case OpKind::DropPrimaryKey:
        out.primary_key.clear();
        break;
      case OpKind::AlterColumnDefault:
      case OpKind::TruncatePartition:
      case OpKind::ExchangePartition:
        break;
      default:
        return std::nullopt;  // table renames, charset conversion, system versioning
    }
  }
  out.columns = std::move(cols);
  return out;
}

std::optional<ddl::Statement> parse_ddl(std::string_view sql, std::string_view database,
                                        std::optional<uint64_t> sql_mode,
                                        const std::vector<TableId>& tracked,
                                        const std::string& where) {
  try {
    return ddl::parse(sql, database,
                      sql_mode ? ddl::SqlMode::from_bits(*sql_mode) : ddl::SqlMode{});
  } catch (const Error& e) {
    const std::string text(sql);
    const std::vector<TableId> named = ddl::named_tables(
        sql, database, sql_mode ? ddl::SqlMode::from_bits(*sql_mode) : ddl::SqlMode{});
    for (const TableId& id : tracked) {
      // The tables the statement names, when the parser can read that far; else any mention.
      const bool concerns = named.empty()
                                ? TableTracker::mentions(text, id)
                                : std::any_of(named.begin(), named.end(),
                                              [&](const TableId& n) { return same_table(n, id); });
      if (concerns) {
        std::string shown = text.substr(0, kStatementInMessage);
        if (text.size() > kStatementInMessage) {
          shown += "...";
        }
        throw Error(ErrorKind::Data,
                    std::string("cannot read a DDL statement on ") + id.str() + ": " + e.what() +
                        "; statement: " + shown,
                    where,
                    "if the statement does not change the table's columns, exclude the table "
                    "for a moment or start after it (scan.startup.specific-offset.*)");
      }
    }
    log::debug("source.mysql", "Skipped a DDL statement that names no captured table.",
               {{"at", where}, {"error", std::string_view(e.what())}});
    return std::nullopt;
  }
}

void apply_statement(const ddl::Statement& stmt,
                     const std::map<TableId, const TableSchema*>& before, TableTracker& tracker,
                     std::vector<SchemaChange>& changes) {
  using ddl::Kind;
  using ddl::OpKind;
  auto before_of = [&](const TableId& id) -> const TableSchema* {
    auto it = before.find(id);
    return it == before.end() ? nullptr : it->second;
  };
  switch (stmt.kind) {
    case Kind::AlterTable:
      for (const ddl::AlterOp& op : stmt.ops) {
        if (op.kind == OpKind::RenameColumn ||
            (op.kind == OpKind::ChangeColumn && op.old_name != op.column.name)) {
          rename(stmt.table, op.old_name, op.column.name, before_of(stmt.table), changes);
        }
      }
      return;
    case Kind::TruncateTable:
      if (const TableSchema* s = tracker.find(stmt.table)) {
        SchemaChange c;
        c.kind = SchemaChangeKind::TruncateTable;
        c.table = stmt.table;
        c.schema = s;
        changes.push_back(std::move(c));
      }
      return;
    case Kind::DropTables:
      for (const TableId& id : stmt.dropped) {
        if (tracker.find(id) != nullptr) {
          SchemaChange c;
          c.kind = SchemaChangeKind::DropTable;
          c.table = id;
          changes.push_back(std::move(c));
          tracker.forget(id);
        }
      }
      return;
    default:
      return;
  }
}

}  // namespace starcdc::mysql
