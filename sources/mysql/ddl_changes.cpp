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

}  // namespace

std::optional<ddl::Statement> parse_ddl(std::string_view sql, std::string_view database,
                                        std::optional<uint64_t> sql_mode,
                                        const std::vector<TableId>& tracked,
                                        const std::string& where) {
  try {
    return ddl::parse(sql, database,
                      sql_mode ? ddl::SqlMode::from_bits(*sql_mode) : ddl::SqlMode{});
  } catch (const Error& e) {
    const std::string text(sql);
    for (const TableId& id : tracked) {
      if (TableTracker::mentions(text, id)) {
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
