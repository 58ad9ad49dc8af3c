#include "sql_ddl.hpp"

#include <algorithm>
#include <set>

namespace emu::sql {
namespace {

SqlResult err(const std::string& m, uint16_t code = 1064) { return SqlResult::error(m, code); }

std::string lower(std::string s) { return lower_name(s); }

// Reads "name TYPE [(n[,m])] [NULL|NOT NULL] [DEFAULT v] [COMMENT 's'] ...".
bool column_def(Cursor& c, Column* col, std::string* error) {
  auto name = c.identifier();
  if (!name) {
    *error = "Expected a column name near '" + c.peek().text + "'";
    return false;
  }
  col->name = *name;
  const Token& tt = c.next();
  if (tt.kind != Tok::kWord) {
    *error = "Expected a type for column " + *name;
    return false;
  }
  std::string type_text = tt.text;
  if (c.accept_symbol("(")) {
    type_text += "(";
    while (!c.at_end() && !c.is_symbol(")")) {
      type_text += c.next().text;
    }
    c.accept_symbol(")");
    type_text += ")";
  }
  if (c.is("UNSIGNED") || c.is("SIGNED")) {
    *error = "StarRocks has no UNSIGNED types (column " + *name + ")";
    return false;
  }
  auto type = parse_column_type(type_text, error);
  if (!type) {
    return false;
  }
  col->type = *type;
  col->nullable = true;
  while (!c.at_end() && !c.is_symbol(",") && !c.is_symbol(")") && !c.is_symbol(";") &&
         !c.is("PROPERTIES") && !c.is("AFTER") && !c.is("FIRST")) {
    if (c.accept_seq({"NOT", "NULL"})) {
      col->nullable = false;
    } else if (c.accept("NULL")) {
      col->nullable = true;
    } else if (c.accept("DEFAULT")) {
      if (c.accept("CURRENT_TIMESTAMP")) {
        if (c.accept_symbol("(")) {
          c.accept_symbol(")");
        }
        col->default_current_timestamp = true;
      } else if (c.accept("NULL")) {
        col->default_value.reset();
      } else {
        const Token& v = c.next();
        if (v.kind != Tok::kString && v.kind != Tok::kNumber) {
          *error = "Invalid default value for '" + col->name + "'";
          return false;
        }
        std::string canon;
        if (convert_value(col->type, v.text, &canon) != ConvertStatus::kOk) {
          *error = "Invalid default value for '" + col->name + "': " + v.text;
          return false;
        }
        col->default_value = canon;
      }
    } else if (c.accept("COMMENT")) {
      auto s = c.string_literal();
      col->comment = s.value_or("");
    } else if (c.accept("AUTO_INCREMENT") || c.accept("KEY")) {
      // accepted and ignored
    } else {
      *error = "Unexpected '" + c.peek().text + "' in the definition of column " + col->name;
      return false;
    }
  }
  return true;
}

bool ident_list(Cursor& c, std::vector<std::string>* out) {
  if (!c.accept_symbol("(")) {
    return false;
  }
  do {
    auto id = c.identifier();
    if (!id) {
      return false;
    }
    out->push_back(*id);
  } while (c.accept_symbol(","));
  return c.accept_symbol(")");
}

bool properties(Cursor& c, std::vector<std::pair<std::string, std::string>>* out) {
  if (!c.accept_symbol("(")) {
    return false;
  }
  if (c.accept_symbol(")")) {
    return true;
  }
  do {
    auto k = c.string_literal();
    if (!k || !c.accept_symbol("=")) {
      return false;
    }
    auto v = c.string_literal();
    if (!v) {
      return false;
    }
    out->emplace_back(*k, *v);
  } while (c.accept_symbol(","));
  return c.accept_symbol(")");
}

bool allowed_pk_type(TypeKind k) {
  switch (k) {
    case TypeKind::kBoolean: case TypeKind::kTinyint: case TypeKind::kSmallint:
    case TypeKind::kInt: case TypeKind::kBigint: case TypeKind::kLargeint:
    case TypeKind::kVarchar: case TypeKind::kString: case TypeKind::kDate:
    case TypeKind::kDatetime:
      return true;
    default:
      return false;
  }
}

int find_col(const std::vector<Column>& cols, const std::string& name) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (lower(cols[i].name) == lower(name)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string quote_list(const std::vector<std::string>& names) {
  std::string r;
  for (size_t i = 0; i < names.size(); ++i) {
    r += (i > 0 ? ", `" : "`") + names[i] + "`";
  }
  return r;
}

}  // namespace

Table* resolve_table(DdlContext& ctx, const std::string& db, const std::string& name,
                     SqlResult* error) {
  std::string d = db.empty() ? ctx.current_db : db;
  if (d.empty()) {
    *error = SqlResult::error("No database selected", 1046, "3D000");
    return nullptr;
  }
  Database* database = ctx.catalog.find_db(d);
  if (database == nullptr) {
    *error = SqlResult::error("Unknown database '" + d + "'", 1049);
    return nullptr;
  }
  Table* t = database->find(name);
  if (t == nullptr) {
    *error = SqlResult::error("Unknown table '" + d + "." + name + "'", 1051);
  }
  return t;
}

SqlResult create_database(Cursor& c, DdlContext& ctx) {
  bool if_not_exists = c.accept_seq({"IF", "NOT", "EXISTS"});
  auto name = c.identifier();
  if (!name) {
    return err("Expected a database name");
  }
  if (ctx.catalog.find_db(*name) != nullptr) {
    return if_not_exists ? SqlResult::ok()
                         : err("Can't create database '" + *name + "'; database exists", 1007);
  }
  ctx.catalog.create_db(*name);
  return SqlResult::ok(1);
}

SqlResult drop_database(Cursor& c, DdlContext& ctx) {
  bool if_exists = c.accept_seq({"IF", "EXISTS"});
  auto name = c.identifier();
  if (!name) {
    return err("Expected a database name");
  }
  if (!ctx.catalog.drop_db(*name) && !if_exists) {
    return err("Can't drop database '" + *name + "'; database doesn't exist", 1008);
  }
  return SqlResult::ok();
}

SqlResult create_table(Cursor& c, DdlContext& ctx) {
  bool if_not_exists = c.accept_seq({"IF", "NOT", "EXISTS"});
  std::string db;
  std::string name;
  if (!c.qualified_name(&db, &name)) {
    return err("Expected a table name");
  }
  if (db.empty()) {
    db = ctx.current_db;
  }
  if (db.empty()) {
    return SqlResult::error("No database selected", 1046, "3D000");
  }
  Database* database = ctx.catalog.find_db(db);
  if (database == nullptr) {
    return err("Unknown database '" + db + "'", 1049);
  }
  if (database->find(name) != nullptr) {
    return if_not_exists ? SqlResult::ok()
                         : err("Table '" + name + "' already exists", 1050);
  }
  auto t = std::make_unique<Table>();
  t->name = name;
  if (!c.accept_symbol("(")) {
    return err("Expected '(' after the table name");
  }
  std::string e;
  do {
    if (c.is("INDEX")) {
      int depth = 0;
      while (!c.at_end()) {
        if (c.is_symbol("(")) {
          ++depth;
        } else if (c.is_symbol(")")) {
          if (depth == 0) {
            break;
          }
          --depth;
        } else if (c.is_symbol(",") && depth == 0) {
          break;
        }
        c.next();
      }
      continue;
    }
    Column col;
    if (!column_def(c, &col, &e)) {
      return err(e);
    }
    if (find_col(t->columns, col.name) >= 0) {
      return err("Duplicate column name '" + col.name + "'", 1060);
    }
    t->columns.push_back(std::move(col));
  } while (c.accept_symbol(","));
  if (!c.accept_symbol(")")) {
    return err("Expected ')' near '" + c.peek().text + "'");
  }
  bool keys_given = false;
  while (!c.at_end() && !c.is_symbol(";")) {
    if (c.accept("ENGINE")) {
      c.accept_symbol("=");
      c.next();
    } else if (c.is("PRIMARY") || c.is("DUPLICATE")) {
      t->keys_type = c.next().upper == "PRIMARY" ? KeysType::kPrimary : KeysType::kDuplicate;
      c.accept("KEY");
      if (!ident_list(c, &t->key_names)) {
        return err("Expected the key column list");
      }
      keys_given = true;
    } else if (c.is("UNIQUE") || c.is("AGGREGATE")) {
      return err("The emulator models Primary Key and Duplicate Key tables only");
    } else if (c.accept("COMMENT")) {
      c.accept_symbol("=");
      t->comment = c.string_literal().value_or("");
    } else if (c.is("PARTITION")) {
      return err("The emulator does not model PARTITION BY");
    } else if (c.accept_seq({"DISTRIBUTED", "BY"})) {
      if (c.accept("HASH")) {
        if (!ident_list(c, &t->distribution)) {
          return err("Expected the distribution column list");
        }
      } else if (!c.accept("RANDOM")) {
        return err("Expected HASH(...) or RANDOM after DISTRIBUTED BY");
      }
      if (c.accept("BUCKETS")) {
        t->buckets = std::atoi(c.next().text.c_str());
      }
    } else if (c.accept_seq({"ORDER", "BY"})) {
      std::vector<std::string> ignored;
      ident_list(c, &ignored);
    } else if (c.accept("PROPERTIES")) {
      if (!properties(c, &t->properties)) {
        return err("Malformed PROPERTIES");
      }
    } else {
      return err("Unexpected '" + c.peek().text + "' in CREATE TABLE");
    }
  }
  if (!keys_given) {
    t->keys_type = KeysType::kDuplicate;
    t->key_names = {t->columns.front().name};
  }
  // Key columns must be an ordered prefix of the schema (StarRocks requires key columns first).
  for (size_t i = 0; i < t->key_names.size(); ++i) {
    int idx = find_col(t->columns, t->key_names[i]);
    if (idx < 0) {
      return err("Key column '" + t->key_names[i] + "' does not exist");
    }
    if (static_cast<size_t>(idx) != i) {
      return err("Key columns should be a ordered prefix of the schema. KeyColumns[" +
                 std::to_string(i) + "] (starts from zero) is " + t->key_names[i] +
                 ", but corresponding column is " + t->columns[i].name + " in the previous "
                 "columns declaration.");
    }
    Column& col = t->columns[static_cast<size_t>(idx)];
    if (col.type.kind == TypeKind::kFloat || col.type.kind == TypeKind::kDouble) {
      return err("Float or double can not used as a key, use decimal instead.");
    }
    if (t->keys_type == KeysType::kPrimary) {
      if (!allowed_pk_type(col.type.kind)) {
        return err("Invalid data type of primary key column '" + col.name + "': " +
                   col.type.to_sql());
      }
      col.nullable = false;
    }
    col.is_key = true;
  }
  for (const std::string& d : t->distribution) {
    if (find_col(t->columns, d) < 0) {
      return err("Distribution column '" + d + "' does not exist");
    }
  }
  if (t->distribution.empty()) {
    t->distribution = t->key_names;
  }
  t->id = ctx.catalog.next_id();
  database->tables[lower(name)] = std::move(t);
  return SqlResult::ok();
}

SqlResult drop_table(Cursor& c, DdlContext& ctx) {
  bool if_exists = c.accept_seq({"IF", "EXISTS"});
  std::string db;
  std::string name;
  if (!c.qualified_name(&db, &name)) {
    return err("Expected a table name");
  }
  SqlResult e;
  Table* t = resolve_table(ctx, db, name, &e);
  if (t == nullptr) {
    return if_exists && e.error_code == 1051 ? SqlResult::ok() : e;
  }
  ctx.catalog.find_db(db.empty() ? ctx.current_db : db)->tables.erase(lower(name));
  return SqlResult::ok();
}

SqlResult truncate_table(Cursor& c, DdlContext& ctx) {
  std::string db;
  std::string name;
  if (!c.qualified_name(&db, &name)) {
    return err("Expected a table name");
  }
  SqlResult e;
  Table* t = resolve_table(ctx, db, name, &e);
  if (t == nullptr) {
    return e;
  }
  t->truncate();
  return SqlResult::ok();
}

SqlResult alter_table(Cursor& c, DdlContext& ctx) {
  std::string db;
  std::string name;
  if (!c.qualified_name(&db, &name)) {
    return err("Expected a table name");
  }
  SqlResult e;
  Table* t = resolve_table(ctx, db, name, &e);
  if (t == nullptr) {
    return e;
  }
  Database* database = ctx.catalog.find_db(db.empty() ? ctx.current_db : db);
  for (const AlterJob& j : database->alter_jobs) {
    if (lower(j.table_name) == lower(t->name) && j.state != "FINISHED" && j.state != "CANCELLED") {
      // Exact StarRocks text unconfirmed (spec §6.3).
      return err("Table[" + t->name + "]'s state is not NORMAL. Do not allow doing ALTER ops");
    }
  }
  std::vector<Column> cols = t->columns;
  std::vector<std::pair<std::string, std::string>> renames;
  std::vector<std::pair<std::string, std::string>> props;
  bool schema_change = false;
  std::string error;
  do {
    if (c.accept_seq({"ADD", "COLUMN"}) || c.accept("ADD")) {
      std::vector<Column> added;
      bool parens = c.accept_symbol("(");
      do {
        Column col;
        if (!column_def(c, &col, &error)) {
          return err(error);
        }
        added.push_back(std::move(col));
      } while (parens && c.accept_symbol(","));
      if (parens && !c.accept_symbol(")")) {
        return err("Expected ')' after the column list");
      }
      size_t at = cols.size();
      if (c.accept("FIRST")) {
        return err("Can not add column before key columns with FIRST in this table");
      }
      if (c.accept("AFTER")) {
        auto after = c.identifier();
        int idx = after ? find_col(cols, *after) : -1;
        if (idx < 0) {
          return err("Column does not exist: " + after.value_or(""));
        }
        at = static_cast<size_t>(idx) + 1;
      }
      for (Column& col : added) {
        if (find_col(cols, col.name) >= 0) {
          return err("Duplicate column name '" + col.name + "'", 1060);
        }
        if (!col.nullable && !col.default_value && !col.default_current_timestamp) {
          return err("Can not add column which is NOT NULL and has no default value: " +
                     col.name);
        }
        cols.insert(cols.begin() + static_cast<std::ptrdiff_t>(at++), std::move(col));
      }
      schema_change = true;
    } else if (c.accept_seq({"DROP", "COLUMN"}) || c.accept("DROP")) {
      auto col = c.identifier();
      int idx = col ? find_col(cols, *col) : -1;
      if (idx < 0) {
        return err("Column does not exists: " + col.value_or(""));
      }
      if (cols[static_cast<size_t>(idx)].is_key) {
        return err("Can not drop key column in primary data model table");
      }
      cols.erase(cols.begin() + idx);
      schema_change = true;
    } else if (c.accept_seq({"MODIFY", "COLUMN"}) || c.accept("MODIFY")) {
      Column col;
      if (!column_def(c, &col, &error)) {
        return err(error);
      }
      int idx = find_col(cols, col.name);
      if (idx < 0) {
        return err("Column does not exists: " + col.name);
      }
      Column& old = cols[static_cast<size_t>(idx)];
      if (old.nullable && !col.nullable) {
        return err("Can not change from nullable to non-nullable");
      }
      if (old.is_key && col.type.kind != old.type.kind) {
        return err("Can not change the type of key column " + old.name + " in this table");
      }
      if (old.type.is_string() && col.type.is_string() && col.type.length < old.type.length) {
        return err("Cannot shorten string length");
      }
      col.is_key = old.is_key;
      if (col.is_key) {
        col.nullable = false;
      }
      old = col;
      schema_change = true;
    } else if (c.accept_seq({"RENAME", "COLUMN"})) {
      auto from = c.identifier();
      if (!from || !c.accept("TO")) {
        return err("Expected RENAME COLUMN old TO new");
      }
      auto to = c.identifier();
      int idx = find_col(cols, *from);
      if (!to || idx < 0) {
        return err("Column '" + *from + "' does not exist");
      }
      if (find_col(cols, *to) >= 0) {
        return err("Column name '" + *to + "' is already used");
      }
      cols[static_cast<size_t>(idx)].name = *to;
      renames.emplace_back(*from, *to);
    } else if (c.accept("COMMENT")) {
      c.accept_symbol("=");
      t->comment = c.string_literal().value_or(t->comment);
    } else if (c.accept("SET")) {
      std::vector<std::pair<std::string, std::string>> ignored;
      properties(c, &ignored);
    } else if (c.accept("PROPERTIES")) {
      if (!properties(c, &props)) {
        return err("Malformed PROPERTIES");
      }
    } else {
      return err("Unsupported ALTER TABLE clause near '" + c.peek().text + "'");
    }
  } while (c.accept_symbol(",") || c.is("PROPERTIES"));
  if (!renames.empty() && schema_change) {
    return err("RENAME COLUMN can not be combined with other column changes");
  }
  if (!renames.empty()) {
    t->reshape(cols, renames);  // synchronous
    for (std::string& k : t->key_names) {
      for (const auto& [from, to] : renames) {
        if (lower(k) == lower(from)) {
          k = to;
        }
      }
    }
    return SqlResult::ok();
  }
  if (!schema_change) {
    return SqlResult::ok();
  }
  AlterJob job;
  job.job_id = (*ctx.next_job_id)++;
  job.table_name = t->name;
  job.create_time = now_datetime_text();
  job.state = "RUNNING";
  for (const auto& [k, v] : props) {
    if (lower(k) == "timeout") {
      job.timeout_s = std::atoi(v.c_str());
    }
  }
  job.new_columns = std::move(cols);
  job.finish_at = std::chrono::steady_clock::now() +
                  std::chrono::microseconds(static_cast<int64_t>(ctx.options.alter_delay_ms *
                                                                 1000));
  database->alter_jobs.push_back(std::move(job));
  return SqlResult::ok();
}

std::string show_create_table(const Table& t) {
  std::string s = "CREATE TABLE `" + t.name + "` (\n";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const Column& c = t.columns[i];
    s += "  `" + c.name + "` " + c.type.to_sql() + (c.nullable ? " NULL" : " NOT NULL");
    if (c.default_current_timestamp) {
      s += " DEFAULT CURRENT_TIMESTAMP";
    } else if (c.default_value) {
      s += " DEFAULT \"" + *c.default_value + "\"";
    }
    s += " COMMENT \"" + c.comment + "\"";
    s += i + 1 < t.columns.size() ? ",\n" : "\n";
  }
  s += ") ENGINE=OLAP \n";
  s += std::string(t.keys_type == KeysType::kPrimary ? "PRIMARY KEY(" : "DUPLICATE KEY(") +
       quote_list(t.key_names) + ")\n";
  if (!t.comment.empty()) {
    s += "COMMENT \"" + t.comment + "\"\n";
  }
  s += "DISTRIBUTED BY HASH(" + quote_list(t.distribution) + ")";
  if (t.buckets > 0) {
    s += " BUCKETS " + std::to_string(t.buckets);
  }
  s += " \nPROPERTIES (\n";
  std::vector<std::pair<std::string, std::string>> props = t.properties;
  if (std::none_of(props.begin(), props.end(),
                   [](const auto& p) { return p.first == "replication_num"; })) {
    props.insert(props.begin(), {"replication_num", "1"});
  }
  for (size_t i = 0; i < props.size(); ++i) {
    s += "\"" + props[i].first + "\" = \"" + props[i].second + "\"" +
         (i + 1 < props.size() ? ",\n" : "\n");
  }
  s += ");";
  return s;
}

}  // namespace emu::sql
