// Tokens of one SQL statement, read lazily, as the MySQL and MariaDB lexers (sql/sql_lex.cc)
// split it: comments are skipped, executable comments /*!NNNNN ... */ and /*M!NNNNNN ... */ are
// opened (their content is read as if written outside the comment). Tokens are views into the
// statement. Thread: any.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sources/mysql/ddl/ddl_parser.hpp"

namespace starcdc::mysql::ddl {

enum class TokenKind : uint8_t {
  End,         // the end of the statement
  Word,        // an unquoted name or keyword: letters, digits, _, $ and bytes >= 0x80
  QuotedName,  // `name`, or "name" under ANSI_QUOTES (text keeps the quotes)
  String,      // 'text', "text", N'text' (text keeps the quotes and the N)
  HexString,   // X'0f'
  BitString,   // B'101'
  Number,      // 12, 1.5, .5, 1e-3, 0x1f, 0b101
  Symbol,      // ( ) , . ; = and operators such as <=> || ->>
  Invalid,     // an unterminated string, name or comment (text runs to the end)
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;
  size_t offset = 0;

  size_t end() const { return offset + text.size(); }
};

class Lexer {
 public:
  Lexer(std::string_view sql, const SqlMode& mode) : sql_(sql), mode_(mode) {}

  Token next();

 private:
  void skip_blanks();
  Token word_or_number(size_t start, bool after_dot);
  Token quoted(size_t start, size_t quote_at, TokenKind kind, bool escapes);
  Token symbol(size_t start);
  Token make(TokenKind kind, size_t start, size_t end);

  std::string_view sql_;
  SqlMode mode_;
  size_t pos_ = 0;
  bool in_executable_comment_ = false;
  bool name_before_ = false;  // the last token was a name: a following '.' qualifies it
  bool after_dot_ = false;    // the last token was such a '.': digits may start a name
};

// A cursor with a few tokens of lookahead over a Lexer.
class TokenStream {
 public:
  static constexpr size_t kLookahead = 4;  // peek(ahead) takes ahead < kLookahead

  TokenStream(std::string_view sql, const SqlMode& mode) : sql_(sql), lexer_(sql, mode) {}

  const Token& peek(size_t ahead = 0);
  Token take();
  std::string_view sql() const { return sql_; }

 private:
  std::string_view sql_;
  Lexer lexer_;
  std::array<Token, kLookahead> ring_{};
  size_t head_ = 0;
  size_t count_ = 0;
};

// ASCII case-insensitive comparison (keywords).
bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

// The name a Word, QuotedName or "double-quoted" String stands for (`a``b` → a`b).
std::string name_value(const Token& t);
// The value of a String token: quotes and N removed, doubled quotes and (when `escapes`)
// backslash escapes resolved as sql/sql_lex.cc does (\n \t \r \b \0 \Z; \% and \_ kept).
std::string string_value(const Token& t, bool escapes);

}  // namespace starcdc::mysql::ddl
