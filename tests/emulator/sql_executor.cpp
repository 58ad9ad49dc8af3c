#include "sql_executor.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "json_builder.hpp"
#include "sql_ddl.hpp"
#include "sql_lexer.hpp"
#include "sql_views.hpp"
#include "txn_manager.hpp"

namespace emu {

using sql::Cursor;
using sql::Tok;
using sql::Token;
using sql::RowSet;
using sql::upper;
using sql::variable_value;
using sql::info_schemata;
using sql::info_tables;
using sql::info_columns;

SqlResult SqlResult::ok(uint64_t affected) {
  SqlResult r;
  r.affected = affected;
  return r;
}

SqlResult SqlResult::error(const std::string& message, uint16_t code, const std::string& state) {
  SqlResult r;
  r.kind = Kind::kError;
  r.message = message;
  r.error_code = code;
  r.sql_state = state;
  return r;
}

std::string SqlResult::to_json() const {
  if (kind == Kind::kError) {
    return JsonBuilder().add("ok", false).add("code", static_cast<int64_t>(error_code))
        .add("error", message).str();
  }
  if (kind == Kind::kOk) {
    return JsonBuilder().add("ok", true).add("affected", affected).str();
  }
  std::string cols = "[";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) {
      cols += ",";
    }
    append_json_string(columns[i], &cols);
  }
  cols += "]";
  std::string rs = "[";
  for (size_t i = 0; i < rows.size(); ++i) {
    rs += i > 0 ? ",[" : "[";
    for (size_t j = 0; j < rows[i].size(); ++j) {
      if (j > 0) {
        rs += ",";
      }
      if (rows[i][j]) {
        append_json_string(*rows[i][j], &rs);
      } else {
        rs += "null";
      }
    }
    rs += "]";
  }
  rs += "]";
  return JsonBuilder().add("ok", true).add_raw("columns", cols).add_raw("rows", rs).str();
}

namespace {


bool looks_numeric(const std::string& s) {
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

int compare_cells(const RowSet& rs, size_t col, const Cell& a, const Cell& b) {
  if (!a || !b) {
    return a.has_value() == b.has_value() ? 0 : (!a ? -1 : 1);
  }
  if (!rs.types.empty() && rs.types[col] != nullptr) {
    return compare_values(*rs.types[col], *a, *b);
  }
  if (looks_numeric(*a) && looks_numeric(*b)) {
    double x = std::strtod(a->c_str(), nullptr);
    double y = std::strtod(b->c_str(), nullptr);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  int c = a->compare(*b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

struct Condition {
  int column = -1;
  std::string op;  // = != < > <= >= IS NULL / IS NOT NULL / LIKE
  Cell value;
};

bool like_match(std::string_view s, std::string_view p) {
  if (p.empty()) {
    return s.empty();
  }
  if (p[0] == '%') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (like_match(s.substr(i), p.substr(1))) {
        return true;
      }
    }
    return false;
  }
  if (s.empty()) {
    return false;
  }
  if (p[0] == '_' || std::tolower(static_cast<unsigned char>(p[0])) ==
                         std::tolower(static_cast<unsigned char>(s[0]))) {
    return like_match(s.substr(1), p.substr(1));
  }
  return false;
}

bool matches(const RowSet& rs, const std::vector<Cell>& row, const Condition& c) {
  const Cell& v = row[static_cast<size_t>(c.column)];
  if (c.op == "IS NULL") {
    return !v;
  }
  if (c.op == "IS NOT NULL") {
    return v.has_value();
  }
  if (!v || !c.value) {
    return false;
  }
  if (c.op == "LIKE") {
    return like_match(*v, *c.value);
  }
  int r = compare_cells(rs, static_cast<size_t>(c.column), v, c.value);
  if (!rs.types.empty() && rs.types[static_cast<size_t>(c.column)] != nullptr) {
    std::string canon;
    if (convert_value(*rs.types[static_cast<size_t>(c.column)], *c.value, &canon) ==
        ConvertStatus::kOk) {
      r = compare_cells(rs, static_cast<size_t>(c.column), v, canon);
    }
  }
  if (c.op == "=") return r == 0;
  if (c.op == "!=" || c.op == "<>") return r != 0;
  if (c.op == "<") return r < 0;
  if (c.op == ">") return r > 0;
  if (c.op == "<=") return r <= 0;
  return r >= 0;
}

// Parses [WHERE a = 'x' AND ...] [ORDER BY c [ASC|DESC], ...] [LIMIT n [OFFSET m]] and applies
// them to rs. Column references may be qualified (t.col).
std::optional<std::string> filter_sort_limit(Cursor& c, RowSet* rs) {
  auto column_ref = [&]() -> int {
    auto id = c.identifier();
    if (!id) {
      return -2;
    }
    while (c.accept_symbol(".")) {
      id = c.identifier();
      if (!id) {
        return -2;
      }
    }
    return rs->index(*id);
  };
  if (c.accept("WHERE")) {
    std::vector<Condition> conds;
    do {
      Condition cond;
      std::string name = c.peek().text;
      cond.column = column_ref();
      if (cond.column < 0) {
        return "Unknown column '" + name + "' in 'where clause'";
      }
      if (c.accept("IS")) {
        cond.op = c.accept("NOT") ? "IS NOT NULL" : "IS NULL";
        c.accept("NULL");
      } else if (c.accept("LIKE")) {
        cond.op = "LIKE";
        cond.value = c.next().text;
      } else {
        const Token& op = c.next();
        if (op.kind != Tok::kSymbol) {
          return "Unsupported WHERE condition near '" + op.text + "'";
        }
        cond.op = op.text;
        const Token& v = c.next();
        if (v.kind == Tok::kWord && v.upper == "NULL") {
          cond.value.reset();
        } else {
          cond.value = v.text;
        }
      }
      conds.push_back(std::move(cond));
    } while (c.accept("AND"));
    std::vector<std::vector<Cell>> kept;
    for (auto& row : rs->rows) {
      if (std::all_of(conds.begin(), conds.end(),
                      [&](const Condition& cd) { return matches(*rs, row, cd); })) {
        kept.push_back(std::move(row));
      }
    }
    rs->rows = std::move(kept);
  }
  if (c.accept_seq({"ORDER", "BY"})) {
    std::vector<std::pair<int, bool>> keys;
    do {
      std::string name = c.peek().text;
      int col = -1;
      if (c.peek().kind == Tok::kNumber) {
        col = std::atoi(c.next().text.c_str()) - 1;
      } else {
        col = column_ref();
      }
      if (col < 0 || static_cast<size_t>(col) >= rs->columns.size()) {
        return "Unknown column '" + name + "' in 'order clause'";
      }
      bool desc = c.accept("DESC");
      c.accept("ASC");
      keys.emplace_back(col, desc);
    } while (c.accept_symbol(","));
    std::stable_sort(rs->rows.begin(), rs->rows.end(),
                     [&](const std::vector<Cell>& a, const std::vector<Cell>& b) {
                       for (auto [col, desc] : keys) {
                         int r = compare_cells(*rs, static_cast<size_t>(col),
                                               a[static_cast<size_t>(col)],
                                               b[static_cast<size_t>(col)]);
                         if (r != 0) {
                           return desc ? r > 0 : r < 0;
                         }
                       }
                       return false;
                     });
  }
  if (c.accept("LIMIT")) {
    size_t offset = 0;
    size_t limit = static_cast<size_t>(std::atoll(c.next().text.c_str()));
    if (c.accept_symbol(",")) {
      offset = limit;
      limit = static_cast<size_t>(std::atoll(c.next().text.c_str()));
    } else if (c.accept("OFFSET")) {
      offset = static_cast<size_t>(std::atoll(c.next().text.c_str()));
    }
    if (offset >= rs->rows.size()) {
      rs->rows.clear();
    } else {
      rs->rows.erase(rs->rows.begin(), rs->rows.begin() + static_cast<std::ptrdiff_t>(offset));
      if (rs->rows.size() > limit) {
        rs->rows.resize(limit);
      }
    }
  }
  c.accept_symbol(";");
  if (!c.at_end()) {
    return "Unsupported SQL near '" + c.peek().text + "'";
  }
  return std::nullopt;
}

SqlResult to_result(RowSet&& rs) {
  SqlResult r;
  r.kind = SqlResult::Kind::kRows;
  r.columns = std::move(rs.columns);
  r.rows = std::move(rs.rows);
  return r;
}

}  // namespace

namespace {

struct Ctx {
  Catalog& catalog;
  TxnManager& txns;
  const Options& options;
  std::string* current_db;
};

RowSet table_rows(const Table& t) {
  RowSet rs;
  for (const Column& c : t.columns) {
    rs.columns.push_back(c.name);
    rs.types.push_back(&c.type);
  }
  for (const Row* r : t.sorted_rows()) {
    rs.rows.push_back(*r);
  }
  return rs;
}

SqlResult select_stmt(Cursor& c, Ctx& ctx) {
  struct Item {
    std::string expr;   // column name, '*', COUNT(*), @@var, function
    std::string label;
    std::string display;  // the item as written (default column label)
    bool count = false;
    bool star = false;
  };
  std::vector<Item> items;
  do {
    Item it;
    if (c.accept_symbol("*")) {
      it.star = true;
    } else if (c.is("COUNT") && c.is_symbol("(", 1)) {
      c.next();
      c.next();
      while (!c.at_end() && !c.accept_symbol(")")) {
        c.next();
      }
      it.count = true;
    } else {
      const Token& t = c.next();
      it.expr = t.text;
      if (t.kind == Tok::kWord && c.accept_symbol("(")) {
        it.expr = t.upper + "()";
        it.display = t.text + "()";
        while (!c.at_end() && !c.accept_symbol(")")) {
          c.next();
        }
      } else if (t.kind == Tok::kString || t.kind == Tok::kNumber) {
        it.expr = "'" + t.text;  // literal marker
      } else {
        while (c.accept_symbol(".")) {
          it.expr = c.next().text;
        }
      }
    }
    if (c.accept("AS")) {
      it.label = c.next().text;
    } else if (c.peek().kind == Tok::kWord && !c.is("FROM") && !c.is("WHERE") &&
               !c.is("LIMIT") && !c.is("ORDER")) {
      it.label = c.next().text;
    }
    if (it.label.empty()) {
      it.label = it.count                ? "count(*)"
                 : it.star               ? "*"
                 : !it.display.empty()   ? it.display
                 : it.expr[0] == '\''    ? it.expr.substr(1)
                                         : it.expr;
    }
    items.push_back(std::move(it));
  } while (c.accept_symbol(","));

  if (!c.accept("FROM")) {
    // Session queries: SELECT @@version_comment LIMIT 1, SELECT DATABASE(), current_version().
    SqlResult r;
    r.kind = SqlResult::Kind::kRows;
    std::vector<Cell> row;
    for (const Item& it : items) {
      r.columns.push_back(it.label);
      std::string e = upper(it.expr);
      if (!it.expr.empty() && it.expr[0] == '@') {
        row.push_back(variable_value(ctx.options, it.expr, *ctx.current_db));
      } else if (e == "DATABASE()" || e == "SCHEMA()") {
        row.push_back(ctx.current_db->empty() ? Cell() : Cell(*ctx.current_db));
      } else if (e == "CURRENT_VERSION()") {
        row.push_back(ctx.options.version);
      } else if (e == "VERSION()") {
        row.push_back("5.1.0");
      } else if (e == "USER()" || e == "CURRENT_USER()") {
        row.push_back("'" + ctx.options.user + "'@'%'");
      } else if (e == "CONNECTION_ID()") {
        row.push_back("1");
      } else if (e == "NOW()" || e == "CURRENT_TIMESTAMP()") {
        row.push_back(now_datetime_text());
      } else if (!it.expr.empty() && it.expr[0] == '\'') {
        row.push_back(it.expr.substr(1));
      } else {
        return SqlResult::error("Unknown column '" + it.expr + "'", 1054, "42S22");
      }
    }
    r.rows.push_back(std::move(row));
    c.accept("LIMIT");
    return r;
  }
  std::string db;
  std::string name;
  if (!c.qualified_name(&db, &name)) {
    return SqlResult::error("Expected a table after FROM");
  }
  if (c.accept("AS") || (c.peek().kind == Tok::kWord && !c.is("WHERE") && !c.is("ORDER") &&
                         !c.is("LIMIT"))) {
    c.next();  // table alias
  }
  RowSet rs;
  std::string udb = upper(db.empty() ? *ctx.current_db : db);
  if (udb == "INFORMATION_SCHEMA") {
    std::string n = upper(name);
    if (n == "SCHEMATA") {
      rs = info_schemata(ctx.catalog);
    } else if (n == "TABLES") {
      rs = info_tables(ctx.catalog);
    } else if (n == "COLUMNS") {
      rs = info_columns(ctx.catalog);
    } else {
      return SqlResult::error("Unknown table 'information_schema." + name + "'", 1051);
    }
  } else {
    sql::DdlContext dctx{ctx.catalog, ctx.options, *ctx.current_db, nullptr};
    SqlResult e;
    Table* t = sql::resolve_table(dctx, db, name, &e);
    if (t == nullptr) {
      return e;
    }
    rs = table_rows(*t);
  }
  if (auto e = filter_sort_limit(c, &rs)) {
    return SqlResult::error(*e);
  }
  RowSet out;
  if (items.size() == 1 && items[0].count) {
    out.columns = {items[0].label};
    out.rows.push_back({std::to_string(rs.rows.size())});
    return to_result(std::move(out));
  }
  std::vector<int> proj;
  for (const Item& it : items) {
    if (it.star) {
      for (size_t i = 0; i < rs.columns.size(); ++i) {
        proj.push_back(static_cast<int>(i));
        out.columns.push_back(rs.columns[i]);
      }
      continue;
    }
    int idx = rs.index(it.expr);
    if (idx < 0 || it.count) {
      return SqlResult::error("Unknown column '" + it.expr + "' in 'field list'", 1054, "42S22");
    }
    proj.push_back(idx);
    out.columns.push_back(it.label);
  }
  for (auto& row : rs.rows) {
    std::vector<Cell> r;
    for (int p : proj) {
      r.push_back(row[static_cast<size_t>(p)]);
    }
    out.rows.push_back(std::move(r));
  }
  return to_result(std::move(out));
}

SqlResult show_stmt(Cursor& c, Ctx& ctx, int64_t* next_job_id) {
  RowSet rs;
  sql::DdlContext dctx{ctx.catalog, ctx.options, *ctx.current_db, next_job_id};
  c.accept("FULL");
  if (c.accept("SESSION") || c.accept("GLOBAL") || c.accept("LOCAL")) {
    c.accept("FULL");
  }
  if (c.accept("DATABASES") || c.accept("SCHEMAS")) {
    rs.columns = {"Database"};
    rs.rows.push_back({"information_schema"});
    for (const Database* d : ctx.catalog.databases()) {
      rs.rows.push_back({d->name});
    }
  } else if (c.accept("TABLES")) {
    std::string db = *ctx.current_db;
    if (c.accept("FROM") || c.accept("IN")) {
      db = c.identifier().value_or("");
    }
    Database* d = ctx.catalog.find_db(db);
    if (d == nullptr) {
      return SqlResult::error("Unknown database '" + db + "'", 1049);
    }
    rs.columns = {"Tables_in_" + d->name};
    for (const auto& [n, t] : d->tables) {
      rs.rows.push_back({t->name});
    }
  } else if (c.accept_seq({"CREATE", "TABLE"})) {
    std::string db;
    std::string name;
    c.qualified_name(&db, &name);
    SqlResult e;
    Table* t = sql::resolve_table(dctx, db, name, &e);
    if (t == nullptr) {
      return e;
    }
    rs.columns = {"Table", "Create Table"};
    rs.rows.push_back({t->name, sql::show_create_table(*t)});
  } else if (c.accept("VARIABLES")) {
    rs.columns = {"Variable_name", "Value"};
    for (const char* v : {"autocommit", "character_set_client", "character_set_connection",
                          "character_set_results", "character_set_server",
                          "collation_connection", "collation_server", "init_connect",
                          "interactive_timeout", "license", "lower_case_table_names",
                          "max_allowed_packet", "net_buffer_length", "net_write_timeout",
                          "query_cache_size", "query_cache_type", "sql_mode",
                          "system_time_zone", "time_zone", "tx_isolation",
                          "transaction_isolation", "version_comment", "wait_timeout"}) {
      rs.rows.push_back({v, variable_value(ctx.options, v, *ctx.current_db)});
    }
    if (c.accept("LIKE")) {
      std::string pat = c.next().text;
      std::erase_if(rs.rows, [&](const std::vector<Cell>& r) { return !like_match(*r[0], pat); });
    }
  } else if (c.accept_seq({"ALTER", "TABLE"})) {
    if (!c.accept("COLUMN")) {
      c.accept("OPTIMIZE");
      rs.columns = {"JobId"};
      return to_result(std::move(rs));
    }
    std::string db = *ctx.current_db;
    if (c.accept("FROM") || c.accept("IN")) {
      db = c.identifier().value_or("");
    }
    Database* d = ctx.catalog.find_db(db);
    if (d == nullptr) {
      return SqlResult::error("Unknown database '" + db + "'", 1049);
    }
    rs.columns = {"JobId", "TableName", "CreateTime", "FinishTime", "IndexName", "IndexId",
                  "OriginIndexId", "SchemaVersion", "TransactionId", "State", "Msg",
                  "Progress", "Timeout"};
    for (const AlterJob& j : d->alter_jobs) {
      rs.rows.push_back({std::to_string(j.job_id), j.table_name, j.create_time,
                         j.finish_time.empty() ? Cell() : Cell(j.finish_time), j.table_name,
                         std::to_string(j.job_id + 1), std::to_string(j.job_id - 1),
                         "1:0", std::to_string(j.transaction_id), j.state, j.msg,
                         std::nullopt, std::to_string(j.timeout_s)});
    }
    rs.types.clear();
  } else if (c.accept("COLUMNS") || c.accept("FIELDS")) {
    c.accept("FROM") || c.accept("IN");
    std::string db;
    std::string name;
    c.qualified_name(&db, &name);
    if (c.accept("FROM") || c.accept("IN")) {
      db = c.identifier().value_or("");
    }
    SqlResult e;
    Table* t = sql::resolve_table(dctx, db, name, &e);
    if (t == nullptr) {
      return e;
    }
    rs.columns = {"Field", "Type", "Null", "Key", "Default", "Extra"};
    for (const Column& col : t->columns) {
      rs.rows.push_back({col.name, col.type.to_sql(), col.nullable ? "YES" : "NO",
                         col.is_key ? "true" : "false",
                         col.default_current_timestamp ? Cell("CURRENT_TIMESTAMP")
                                                       : col.default_value,
                         ""});
    }
    return to_result(std::move(rs));
  } else if (c.accept("WARNINGS") || c.accept("ERRORS") || c.accept("STATUS") ||
             c.accept("ENGINES") || c.accept("COLLATION") || c.accept("CHARSET")) {
    rs.columns = {"Level", "Code", "Message"};
    return to_result(std::move(rs));
  } else if (c.accept("TRANSACTION")) {
    std::string db = *ctx.current_db;
    if (c.accept("FROM") || c.accept("IN")) {
      db = c.identifier().value_or("");
    }
    rs.columns = {"TransactionId", "Label", "Coordinator", "TransactionStatus",
                  "LoadJobSourceType", "PrepareTime", "CommitTime", "FinishTime", "Reason",
                  "ErrorReplicasCount", "ListenerId", "TimeoutMs"};
    for (const Txn* t : ctx.txns.list(db)) {
      rs.rows.push_back({std::to_string(t->id), t->label, "BE: 127.0.0.1",
                         txn_state_name(t->state), "BACKEND_STREAMING", std::nullopt,
                         std::nullopt, std::nullopt, t->reason, "0", "-1",
                         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            t->timeout).count())});
    }
    // SHOW TRANSACTION WHERE id = N
    if (c.accept("WHERE") && (c.accept("ID") || c.accept("id"))) {
      c.accept_symbol("=");
      std::string id = c.next().text;
      std::erase_if(rs.rows, [&](const std::vector<Cell>& r) { return *r[0] != id; });
    }
    return to_result(std::move(rs));
  } else {
    return SqlResult::error("The emulator does not support SHOW " + c.peek().text);
  }
  if (auto e = filter_sort_limit(c, &rs)) {
    return SqlResult::error(*e);
  }
  return to_result(std::move(rs));
}

}  // namespace

SqlResult SqlExecutor::execute(const std::string& text, std::string* current_db) {
  std::vector<Token> tokens;
  std::string error;
  if (!sql::lex(text, &tokens, &error)) {
    return SqlResult::error(error);
  }
  Cursor c(std::move(tokens), text);
  Ctx ctx{catalog_, txns_, options_, current_db};
  sql::DdlContext dctx{catalog_, options_, *current_db, &next_job_id_};
  if (c.at_end()) {
    return SqlResult::error("Query was empty", 1065);
  }
  if (c.accept("SELECT")) {
    return select_stmt(c, ctx);
  }
  if (c.accept("SHOW")) {
    return show_stmt(c, ctx, &next_job_id_);
  }
  if (c.accept("DESC") || c.accept("DESCRIBE") || c.accept("EXPLAIN")) {
    std::vector<Token> t2;
    std::string show = "SHOW COLUMNS FROM " + std::string(c.rest_text());
    sql::lex(show, &t2, &error);
    Cursor c2(std::move(t2), show);
    c2.accept("SHOW");
    return show_stmt(c2, ctx, &next_job_id_);
  }
  if (c.accept("USE")) {
    auto db = c.identifier();
    if (!db || catalog_.find_db(*db) == nullptr) {
      return SqlResult::error("Unknown database '" + db.value_or("") + "'", 1049);
    }
    *current_db = *db;
    return SqlResult::ok();
  }
  if (c.accept("SET") || c.accept("BEGIN") || c.accept("COMMIT") || c.accept("ROLLBACK") ||
      c.accept("START")) {
    return SqlResult::ok();
  }
  if (c.accept_seq({"CREATE", "DATABASE"}) || c.accept_seq({"CREATE", "SCHEMA"})) {
    return sql::create_database(c, dctx);
  }
  if (c.accept_seq({"DROP", "DATABASE"}) || c.accept_seq({"DROP", "SCHEMA"})) {
    return sql::drop_database(c, dctx);
  }
  if (c.accept_seq({"CREATE", "TABLE"})) {
    return sql::create_table(c, dctx);
  }
  if (c.accept_seq({"DROP", "TABLE"})) {
    return sql::drop_table(c, dctx);
  }
  if (c.accept_seq({"TRUNCATE", "TABLE"}) || c.accept("TRUNCATE")) {
    return sql::truncate_table(c, dctx);
  }
  if (c.accept_seq({"ALTER", "TABLE"})) {
    return sql::alter_table(c, dctx);
  }
  return SqlResult::error("The emulator does not support this statement: " +
                          text.substr(0, 80));
}

void SqlExecutor::tick() {
  auto now = std::chrono::steady_clock::now();
  for (const Database* cd : catalog_.databases()) {
    Database* d = catalog_.find_db(cd->name);
    for (AlterJob& j : d->alter_jobs) {
      if (j.state != "RUNNING" || now < j.finish_at) {
        continue;
      }
      Table* t = d->find(j.table_name);
      if (t == nullptr) {
        j.state = "CANCELLED";
        j.msg = "table dropped";
      } else if (options_.alter_delay_ms / 1000.0 > j.timeout_s) {
        j.state = "CANCELLED";
        j.msg = "Timeout";
      } else {
        t->reshape(j.new_columns, {});
        j.state = "FINISHED";
      }
      j.finish_time = now_datetime_text();
    }
  }
}

}  // namespace emu
