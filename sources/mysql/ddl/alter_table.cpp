// ALTER TABLE: the ALTER TABLE pages of the MySQL 8.0 and MariaDB manuals and `alter_list_item`
// / `alter_commands` of their sql/sql_yacc.yy. Specifications are comma-separated; table options
// within one are space-separated; a partitioning clause may end the list without a comma. Only
// the specifications that change columns, the primary key, rows or the name become ops; the
// others (indexes, checks, foreign keys, options, ALGORITHM/LOCK, most partition maintenance)
// are skipped to the next comma.
#include <string>
#include <utility>

#include "sources/mysql/ddl/column_definition.hpp"
#include "sources/mysql/ddl/statement_parser.hpp"

namespace starcdc::mysql::ddl {
namespace {

AlterOp op_of(OpKind kind) {
  AlterOp op;
  op.kind = kind;
  return op;
}

}  // namespace

Statement StatementParser::alter() {
  while (p_.accept("ONLINE") || p_.accept("OFFLINE") || p_.accept("IGNORE")) {
  }
  if (!p_.accept("TABLE")) {
    return Statement{};  // ALTER DATABASE, USER, VIEW, EVENT, SEQUENCE, ...
  }
  Statement s;
  s.kind = Kind::AlterTable;
  s.if_exists = p_.accept_if_exists();
  s.table = table();
  wait_option();
  while (!p_.at_end()) {
    alter_spec(s);
    if (p_.accept_symbol(",")) {
      continue;
    }
    if (p_.at_end()) {
      break;
    }
    if (p_.is_word("PARTITION") || p_.is_word("REMOVE")) {
      p_.skip_rest();  // PARTITION BY ..., REMOVE PARTITIONING
      break;
    }
    p_.fail("expected ',' or the end of the statement");
  }
  return s;
}

void StatementParser::alter_spec(Statement& s) {
  if (p_.accept("ADD")) {
    alter_add(s);
  } else if (p_.accept("DROP")) {
    alter_drop(s);
  } else if (p_.accept("MODIFY")) {
    p_.accept("COLUMN");
    AlterOp op = op_of(OpKind::ModifyColumn);
    op.if_exists = p_.accept_if_exists();
    op.column = parse_column(p_);
    op.position = parse_position(p_);
    push_column_op(s, std::move(op));
  } else if (p_.accept("CHANGE")) {
    p_.accept("COLUMN");
    AlterOp op = op_of(OpKind::ChangeColumn);
    op.if_exists = p_.accept_if_exists();
    op.old_name = p_.name("the column to change");
    op.column = parse_column(p_);
    op.position = parse_position(p_);
    push_column_op(s, std::move(op));
  } else if (p_.accept("RENAME")) {
    alter_rename(s);
  } else if (p_.accept("ALTER")) {
    alter_column(s);
  } else if (p_.accept("CONVERT")) {
    p_.expect("TO");
    if (!p_.accept("CHARSET") && !p_.accept("CHARACTER", "SET") && !p_.accept("CHAR", "SET")) {
      p_.fail("expected CHARACTER SET");
    }
    AlterOp op = op_of(OpKind::ConvertCharset);
    op.column.charset = p_.option_name("a character set");
    if (p_.accept("COLLATE")) {
      op.column.collation = p_.option_name("a collation");
    }
    s.ops.push_back(std::move(op));
  } else if (p_.accept("TRUNCATE")) {
    p_.expect("PARTITION");
    AlterOp op = op_of(OpKind::TruncatePartition);
    op.partitions = partition_names();
    s.ops.push_back(std::move(op));
  } else if (p_.accept("EXCHANGE")) {
    p_.expect("PARTITION");
    AlterOp op = op_of(OpKind::ExchangePartition);
    op.partitions.push_back(p_.name("a partition name"));
    p_.expect("WITH");
    p_.expect("TABLE");
    op.new_table = table();
    s.ops.push_back(std::move(op));
    p_.skip_item();  // WITH | WITHOUT VALIDATION
  } else if (p_.accept("ORDER", "BY")) {
    alter_order_by();
  } else {
    p_.skip_item();
  }
}

void StatementParser::alter_add(Statement& s) {
  bool if_not_exists = false;
  if (p_.accept("COLUMN")) {
    if_not_exists = p_.accept_if_not_exists();
  } else if (p_.accept_if_not_exists()) {
    if_not_exists = true;  // MariaDB ADD IF NOT EXISTS c ...
  } else {
    if (p_.accept("CONSTRAINT")) {
      if (!p_.is_word("PRIMARY") && !p_.is_word("UNIQUE") && !p_.is_word("FOREIGN") &&
          !p_.is_word("CHECK")) {
        p_.name("a constraint name");
      }
    }
    if (p_.accept("PRIMARY")) {
      p_.expect("KEY");
      while (!p_.is_symbol("(") && !p_.at_item_end()) {
        p_.take();  // USING BTREE, IF NOT EXISTS
      }
      AlterOp op = op_of(OpKind::AddPrimaryKey);
      op.key_columns = parse_key_parts(p_);
      s.ops.push_back(std::move(op));
      p_.skip_item();
      return;
    }
    for (const std::string_view keyword :
         {"INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK", "PARTITION"}) {
      if (p_.is_word(keyword)) {
        p_.skip_item();
        return;
      }
    }
    if (p_.is_word("PERIOD") && p_.is_word("FOR", 1)) {
      p_.skip_item();
      return;
    }
    if (p_.accept("SYSTEM", "VERSIONING")) {
      s.ops.push_back(op_of(OpKind::AddSystemVersioning));
      return;
    }
  }
  if (p_.is_symbol("(")) {
    // ADD [COLUMN] (a INT, b INT, PRIMARY KEY (a), INDEX (b))
    Statement added;
    table_elements(added);
    for (ColumnSpec& c : added.columns) {
      AlterOp op = op_of(OpKind::AddColumn);
      op.if_not_exists = if_not_exists;
      op.column = std::move(c);
      s.ops.push_back(std::move(op));
    }
    if (!added.primary_key.empty()) {
      AlterOp op = op_of(OpKind::AddPrimaryKey);
      op.key_columns = std::move(added.primary_key);
      s.ops.push_back(std::move(op));
    }
    return;
  }
  AlterOp op = op_of(OpKind::AddColumn);
  op.if_not_exists = if_not_exists;
  op.column = parse_column(p_);
  op.position = parse_position(p_);
  push_column_op(s, std::move(op));
}

void StatementParser::alter_drop(Statement& s) {
  const bool column = p_.accept("COLUMN");
  if (!column) {
    if (p_.accept("PRIMARY")) {
      p_.expect("KEY");
      s.ops.push_back(op_of(OpKind::DropPrimaryKey));
      return;
    }
    if (p_.accept("INDEX") || p_.accept("KEY") || p_.accept("CONSTRAINT")) {
      const bool if_exists = p_.accept_if_exists();
      if (iequals(p_.name("an index or constraint name"), "PRIMARY")) {
        AlterOp op = op_of(OpKind::DropPrimaryKey);
        op.if_exists = if_exists;
        s.ops.push_back(std::move(op));
      }
      return;
    }
    if (p_.accept("PARTITION")) {
      p_.accept_if_exists();
      AlterOp op = op_of(OpKind::TruncatePartition);
      op.partitions = partition_names();
      s.ops.push_back(std::move(op));
      return;
    }
    if (p_.accept("SYSTEM", "VERSIONING")) {
      s.ops.push_back(op_of(OpKind::DropSystemVersioning));
      return;
    }
    if (p_.is_word("FOREIGN") || p_.is_word("CHECK") ||
        (p_.is_word("PERIOD") && p_.is_word("FOR", 1))) {
      p_.skip_item();
      return;
    }
  }
  AlterOp op = op_of(OpKind::DropColumn);
  op.if_exists = p_.accept_if_exists();
  op.column.name = p_.name("the column to drop");
  s.ops.push_back(std::move(op));
  if (!p_.accept("RESTRICT")) {
    p_.accept("CASCADE");
  }
}

void StatementParser::alter_rename(Statement& s) {
  if (p_.accept("COLUMN")) {
    AlterOp op = op_of(OpKind::RenameColumn);
    op.if_exists = p_.accept_if_exists();
    op.old_name = p_.name("the column to rename");
    p_.expect("TO");
    op.column.name = p_.name("the new column name");
    s.ops.push_back(std::move(op));
    return;
  }
  if (p_.is_word("INDEX") || p_.is_word("KEY")) {
    p_.skip_item();
    return;
  }
  if (!p_.accept("TO") && !p_.accept("AS")) {
    p_.accept_symbol("=");
  }
  AlterOp op = op_of(OpKind::RenameTable);
  op.new_table = table();
  s.renames.emplace_back(s.table, op.new_table);
  s.ops.push_back(std::move(op));
}

void StatementParser::alter_column(Statement& s) {
  for (const std::string_view keyword : {"INDEX", "KEY", "CHECK", "CONSTRAINT"}) {
    if (p_.is_word(keyword)) {
      p_.skip_item();  // visibility or enforcement
      return;
    }
  }
  p_.accept("COLUMN");
  AlterOp op = op_of(OpKind::AlterColumnDefault);
  op.if_exists = p_.accept_if_exists();
  op.column.name = p_.name("a column name");
  if (p_.accept("SET")) {
    if (p_.accept("VISIBLE") || p_.accept("INVISIBLE")) {
      return;  // the column stays in row images
    }
    p_.expect("DEFAULT");
    parse_default(p_, op.column);
  } else if (p_.accept("DROP")) {
    p_.expect("DEFAULT");
  } else {
    p_.fail("expected SET or DROP after ALTER COLUMN " + op.column.name);
  }
  s.ops.push_back(std::move(op));
}

void StatementParser::alter_order_by() {
  // ORDER BY a [ASC|DESC], b ...: a comma followed by a name and then ',', ASC, DESC or the
  // end continues the list; anything else after a comma is the next specification.
  while (true) {
    p_.name("a column name");
    if (!p_.accept("ASC")) {
      p_.accept("DESC");
    }
    const bool more = p_.is_symbol(",") && p_.is_name(1) &&
                      (p_.is_symbol(",", 2) || p_.is_word("ASC", 2) || p_.is_word("DESC", 2) ||
                       p_.peek(2).kind == TokenKind::End || p_.is_symbol(";", 2));
    if (!more) {
      return;
    }
    p_.take();
  }
}

void StatementParser::push_column_op(Statement& s, AlterOp op) {
  const bool key = op.column.primary_key;
  std::string name = op.column.name;
  s.ops.push_back(std::move(op));
  if (key) {
    AlterOp add = op_of(OpKind::AddPrimaryKey);
    add.key_columns.push_back(std::move(name));
    s.ops.push_back(std::move(add));
  }
}

std::vector<std::string> StatementParser::partition_names() {
  // p1, p2 or ALL; a comma followed by something else than a lone name is the next
  // specification's.
  std::vector<std::string> names;
  names.push_back(p_.name("a partition name"));
  while (p_.is_symbol(",") && p_.is_name(1) &&
         (p_.is_symbol(",", 2) || p_.peek(2).kind == TokenKind::End || p_.is_symbol(";", 2))) {
    p_.take();
    names.push_back(p_.name("a partition name"));
  }
  return names;
}

}  // namespace starcdc::mysql::ddl
