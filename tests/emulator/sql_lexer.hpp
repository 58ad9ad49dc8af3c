// Tokenizer and a small cursor over tokens for the emulator's SQL subset.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::sql {

enum class Tok : unsigned char { kWord, kQuotedIdent, kString, kNumber, kSymbol, kVariable, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;   // unquoted text (identifiers keep their case)
  std::string upper;  // upper-case text for keyword checks
  size_t pos = 0;     // byte offset in the statement
};

// Splits a statement into tokens; returns false with *error on an unterminated quote.
bool lex(std::string_view sql, std::vector<Token>* out, std::string* error);

class Cursor {
 public:
  Cursor(std::vector<Token> tokens, std::string_view sql)
      : tokens_(std::move(tokens)), sql_(sql) {}
  const Token& peek(size_t ahead = 0) const;
  const Token& next();
  bool at_end() const { return peek().kind == Tok::kEnd; }
  // Consumes a keyword (case-insensitive word) if it is next.
  bool accept(std::string_view keyword);
  bool accept_seq(std::initializer_list<std::string_view> keywords);
  bool accept_symbol(std::string_view sym);
  bool is(std::string_view keyword, size_t ahead = 0) const;
  bool is_symbol(std::string_view sym, size_t ahead = 0) const;
  // An identifier: a word or a `quoted` name.
  std::optional<std::string> identifier();
  // [db.]name
  bool qualified_name(std::string* db, std::string* name);
  // A string literal ('..' or "..").
  std::optional<std::string> string_literal();
  std::string_view rest_text() const;  // source text from the next token to the end
  size_t position() const { return i_; }
  void rewind(size_t pos) { i_ = pos; }

 private:
  std::vector<Token> tokens_;
  std::string_view sql_;
  size_t i_ = 0;
};

}  // namespace emu::sql
