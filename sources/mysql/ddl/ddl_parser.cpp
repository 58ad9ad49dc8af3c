// Statement dispatch and CREATE TABLE, RENAME TABLE, TRUNCATE, DROP TABLE / DROP INDEX: the
// CREATE TABLE, RENAME TABLE, TRUNCATE TABLE, DROP TABLE and DROP INDEX pages of the MySQL 8.0
// and MariaDB manuals, and their sql/sql_yacc.yy.
#include "sources/mysql/ddl/ddl_parser.hpp"

#include <string>
#include <utility>

#include "pipeline/common/error.hpp"
#include "sources/mysql/ddl/column_definition.hpp"
#include "sources/mysql/ddl/statement_parser.hpp"

namespace starcdc::mysql::ddl {

Statement StatementParser::parse() {
  if (p_.accept("CREATE")) {
    return create();
  }
  if (p_.accept("ALTER")) {
    return alter();
  }
  if (p_.accept("RENAME")) {
    return rename();
  }
  if (p_.accept("TRUNCATE")) {
    return truncate();
  }
  if (p_.accept("DROP")) {
    return drop();
  }
  return Statement{};
}

Statement StatementParser::create() {
  Statement s;
  if (p_.accept("OR")) {
    p_.expect("REPLACE");
    s.or_replace = true;
  }
  s.temporary = p_.accept("TEMPORARY");
  if (!p_.accept("TABLE")) {
    return Statement{};  // CREATE VIEW, INDEX, DATABASE, USER, SEQUENCE, ...
  }
  s.if_not_exists = p_.accept_if_not_exists();
  s.table = table();
  // CREATE TABLE t LIKE s, CREATE TABLE t (LIKE s)
  const bool parenthesized_like = p_.is_symbol("(") && p_.is_word("LIKE", 1);
  if (parenthesized_like) {
    p_.take();
  }
  if (p_.accept("LIKE")) {
    s.kind = Kind::CreateTableLike;
    s.like = table();
    if (parenthesized_like) {
      p_.expect_symbol(")");
    }
    expect_end("LIKE");
    return s;
  }
  s.kind = Kind::CreateTable;
  if (p_.is_symbol("(") && !at_query()) {
    table_elements(s);
  }
  create_tail(s);
  if (s.kind == Kind::CreateTable && s.columns.empty()) {
    p_.fail("expected the columns of table " + s.table.table + ", LIKE or a query");
  }
  return s;
}

void StatementParser::table_elements(Statement& s) {
  p_.expect_symbol("(");
  do {
    table_element(s);
  } while (p_.accept_symbol(","));
  p_.expect_symbol(")");
  for (ColumnSpec& c : s.columns) {
    if (c.primary_key && s.primary_key.empty()) {
      s.primary_key.push_back(c.name);
    }
  }
  for (const std::string& key : s.primary_key) {
    for (ColumnSpec& c : s.columns) {
      if (iequals(c.name, key)) {
        c.primary_key = true;
        c.nullable = false;
      }
    }
  }
}

void StatementParser::table_element(Statement& s) {
  if (p_.accept("CONSTRAINT")) {
    if (!p_.is_word("PRIMARY") && !p_.is_word("UNIQUE") && !p_.is_word("FOREIGN") &&
        !p_.is_word("CHECK")) {
      p_.name("a constraint name");
    }
  }
  if (p_.accept("PRIMARY")) {
    p_.expect("KEY");
    while (!p_.is_symbol("(") && !p_.at_item_end()) {
      p_.take();  // USING BTREE, or a name
    }
    s.primary_key = parse_key_parts(p_);
    p_.skip_item();  // index options
    return;
  }
  for (const std::string_view keyword :
       {"INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK"}) {
    if (p_.is_word(keyword)) {
      p_.skip_item();
      return;
    }
  }
  if (p_.is_word("PERIOD") && p_.is_word("FOR", 1)) {
    p_.skip_item();  // MariaDB PERIOD FOR SYSTEM_TIME (start, end) and application periods
    return;
  }
  s.columns.push_back(parse_column(p_));
}

bool StatementParser::at_query() {
  size_t ahead = 0;
  while (p_.is_symbol("(", ahead) && ahead < TokenStream::kLookahead - 1) {
    ++ahead;
  }
  if (ahead == 0) {
    return p_.is_word("SELECT") || p_.is_word("AS") || p_.is_word("IGNORE") ||
           p_.is_word("REPLACE") || p_.is_word("VALUES") || p_.is_word("TABLE") ||
           (p_.is_word("WITH") && !p_.is_word("SYSTEM", 1));
  }
  return p_.is_word("SELECT", ahead) || p_.is_word("WITH", ahead) || p_.is_word("VALUES", ahead) ||
         p_.is_word("TABLE", ahead);
}

void StatementParser::create_tail(Statement& s) {
  while (!p_.at_end()) {
    if (at_query()) {
      s.kind = Kind::CreateTableSelect;
      p_.skip_rest();
      return;
    }
    if (p_.accept("WITH")) {
      p_.expect("SYSTEM");
      p_.expect("VERSIONING");
      s.system_versioned = true;
    } else if (p_.accept("CHARSET") || p_.accept("CHARACTER", "SET") || p_.accept("CHAR", "SET")) {
      s.charset = p_.option_name("a character set");
    } else if (p_.accept("COLLATE")) {
      s.collation = p_.option_name("a collation");
    } else if (p_.accept("COMMENT")) {
      p_.accept_symbol("=");
      s.comment = p_.string_literal("a quoted comment");
    } else if (p_.is_symbol("(")) {
      p_.skip_parens();  // partition definitions, UNION=(...)
    } else if (p_.is_symbol(")")) {
      p_.fail("unbalanced parentheses");
    } else if (p_.peek().kind == TokenKind::Invalid) {
      p_.fail("unterminated quote or comment");
    } else {
      p_.take();  // ENGINE=InnoDB, PARTITION BY HASH, START TRANSACTION, ...
    }
  }
}

Statement StatementParser::rename() {
  if (!p_.accept("TABLE") && !p_.accept("TABLES")) {
    return Statement{};  // RENAME USER
  }
  Statement s;
  s.kind = Kind::RenameTables;
  s.if_exists = p_.accept_if_exists();
  do {
    TableId from = table();
    wait_option();
    p_.expect("TO");
    TableId to = table();
    s.renames.emplace_back(std::move(from), std::move(to));
  } while (p_.accept_symbol(","));
  expect_end("RENAME TABLE");
  return s;
}

Statement StatementParser::truncate() {
  Statement s;
  s.kind = Kind::TruncateTable;
  p_.accept("TABLE");
  s.table = table();
  wait_option();
  expect_end("TRUNCATE TABLE");
  return s;
}

Statement StatementParser::drop() {
  Statement s;
  s.temporary = p_.accept("TEMPORARY");
  if (p_.accept("TABLE") || p_.accept("TABLES")) {
    s.kind = Kind::DropTables;
    s.if_exists = p_.accept_if_exists();
    do {
      s.dropped.push_back(table());
    } while (p_.accept_symbol(","));
    wait_option();
    if (!p_.accept("RESTRICT")) {
      p_.accept("CASCADE");
    }
    expect_end("DROP TABLE");
    return s;
  }
  if (s.temporary || !p_.accept("INDEX")) {
    return Statement{};  // DROP VIEW, DATABASE, USER, ...
  }
  // DROP INDEX [ONLINE|OFFLINE] [IF EXISTS] name ON table: only the primary key matters.
  if (!p_.accept("ONLINE")) {
    p_.accept("OFFLINE");
  }
  const bool if_exists = p_.accept_if_exists();
  const std::string index = p_.name("an index name");
  p_.expect("ON");
  const TableId target = table();
  if (!iequals(index, "PRIMARY")) {
    return Statement{};
  }
  s.kind = Kind::AlterTable;
  s.table = target;
  AlterOp op;
  op.kind = OpKind::DropPrimaryKey;
  op.if_exists = if_exists;
  s.ops.push_back(std::move(op));
  p_.skip_rest();  // ALGORITHM=..., LOCK=...
  return s;
}

TableId StatementParser::table() {
  named_.push_back(p_.table_name());
  return named_.back();
}

void StatementParser::wait_option() {
  if (p_.accept("WAIT")) {
    p_.number("the seconds of WAIT");
  } else {
    p_.accept("NOWAIT");
  }
}

void StatementParser::expect_end(std::string_view after) {
  if (!p_.at_end()) {
    p_.fail("unexpected text after " + std::string(after));
  }
}

Statement parse(std::string_view sql, std::string_view default_db, const SqlMode& mode) {
  return StatementParser(sql, default_db, mode).parse();
}

std::vector<TableId> named_tables(std::string_view sql, std::string_view default_db,
                                  const SqlMode& mode) {
  StatementParser parser(sql, default_db, mode);
  try {
    if (parser.parse().kind == Kind::Irrelevant) {
      return {};
    }
  } catch (const Error&) {
    // what was read before the error is the answer
  }
  return parser.named();
}

std::optional<std::string> shadow_table_origin(std::string_view table) {
  // gh-ost names its tables _<t>_gho, _<t>_ghc and _<t>_del; pt-online-schema-change _<t>_new
  // and _<t>_old.
  for (const std::string_view suffix : {"_gho", "_ghc", "_del", "_new", "_old"}) {
    if (table.size() > suffix.size() + 1 && table.front() == '_' &&
        table.substr(table.size() - suffix.size()) == suffix) {
      return std::string(table.substr(1, table.size() - 1 - suffix.size()));
    }
  }
  return std::nullopt;
}

}  // namespace starcdc::mysql::ddl
