// Parser: the token cursor the statement and column parsers share: keyword and symbol tests,
// names, table names, skipping of clauses the parser does not need, and the error that says
// what is wrong where. Thread: any (one per statement).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/model/table_id.hpp"
#include "sources/mysql/ddl/ddl_parser.hpp"
#include "sources/mysql/ddl/lexer.hpp"

namespace starcdc::mysql::ddl {

class Parser {
 public:
  Parser(std::string_view sql, std::string_view default_db, const SqlMode& mode)
      : tokens_(sql, mode), default_db_(default_db), mode_(mode) {}

  const SqlMode& mode() const { return mode_; }
  std::string_view sql() const { return tokens_.sql(); }
  const Token& peek(size_t ahead = 0) { return tokens_.peek(ahead); }
  Token take() {
    Token t = tokens_.take();
    last_end_ = t.end();
    return t;
  }
  // Where the last token taken ends.
  size_t last_end() const { return last_end_; }

  // Keywords are unquoted words, compared without case.
  bool is_word(std::string_view keyword, size_t ahead = 0);
  bool accept(std::string_view keyword);
  bool accept(std::string_view first, std::string_view second);  // both, or neither taken
  void expect(std::string_view keyword);
  bool is_symbol(std::string_view symbol, size_t ahead = 0);
  bool accept_symbol(std::string_view symbol);
  void expect_symbol(std::string_view symbol);
  // The end of the statement: no more tokens, or a ';'.
  bool at_end();
  // The end of a list item: the end, ',' or ')'.
  bool at_item_end();

  // A name may be a word, a `quoted name` or a "double-quoted" one.
  bool is_name(size_t ahead = 0);
  std::string name(std::string_view what);
  // [db.]table; an unqualified table is in the default database.
  TableId table_name();
  // IF EXISTS / IF NOT EXISTS.
  bool accept_if_exists() { return accept("IF", "EXISTS"); }
  bool accept_if_not_exists();
  std::string string_literal(std::string_view what);
  uint64_t number(std::string_view what);
  // [=] name, as CHARACTER SET, COLLATE and ENGINE take it; lower case.
  std::string option_name(std::string_view what);

  // At '(': takes everything up to the matching ')' and returns the text between them.
  std::string_view skip_parens();
  // Takes tokens up to the ',' or ')' closing this list item, or the end.
  void skip_item();
  // Takes every remaining token (parentheses must balance).
  void skip_rest();
  std::string_view text(size_t from, size_t to) const { return sql().substr(from, to - from); }

  // Error(Data) "what, at offset N near '...'" at the next token.
  [[noreturn]] void fail(std::string_view what);
  [[noreturn]] void fail_at(std::string_view what, const Token& at);

 private:
  TokenStream tokens_;
  std::string default_db_;
  SqlMode mode_;
  size_t last_end_ = 0;
};

}  // namespace starcdc::mysql::ddl
