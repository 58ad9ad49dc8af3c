// StatementParser: one statement → Statement. The statement kinds are split over two files:
// ddl_parser.cpp (dispatch, CREATE/RENAME/TRUNCATE/DROP TABLE) and alter_table.cpp (ALTER
// TABLE). Thread: any (one per statement).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sources/mysql/ddl/ddl_parser.hpp"
#include "sources/mysql/ddl/parser.hpp"

namespace starcdc::mysql::ddl {

class StatementParser {
 public:
  StatementParser(std::string_view sql, std::string_view default_db, const SqlMode& mode)
      : p_(sql, default_db, mode) {}

  Statement parse();
  // The tables named so far at the statement's level (not REFERENCES), in order.
  const std::vector<TableId>& named() const { return named_; }

 private:
  // A table name at the statement's level: recorded in named_.
  TableId table();
  Statement create();
  // The definitions between the parentheses of CREATE TABLE (or ALTER TABLE ADD (...)): columns
  // and the primary key; other keys, checks, foreign keys and periods are skipped. At '('.
  void table_elements(Statement& s);
  void table_element(Statement& s);
  // Table options, partitioning and the query of CREATE TABLE ... SELECT, after the columns.
  void create_tail(Statement& s);
  bool at_query();
  Statement rename();
  Statement truncate();
  Statement drop();
  // [WAIT n | NOWAIT] (MariaDB).
  void wait_option();
  void expect_end(std::string_view after);

  // alter_table.cpp
  Statement alter();
  void alter_spec(Statement& s);
  void alter_add(Statement& s);
  void alter_drop(Statement& s);
  void alter_rename(Statement& s);
  void alter_column(Statement& s);
  void alter_order_by();
  void push_column_op(Statement& s, AlterOp op);
  std::vector<std::string> partition_names();

  Parser p_;
  std::vector<TableId> named_;
};

}  // namespace starcdc::mysql::ddl
