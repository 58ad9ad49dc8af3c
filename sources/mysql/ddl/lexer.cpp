// Token rules of sql/sql_lex.cc (MySQL 8.0, MariaDB 10.11): '-- ' needs a blank or control
// character after the dashes; '#' runs to the end of the line; /*! and /*M! open a comment
// whose content is SQL (the version digits after them are skipped, whatever the version);
// /*+ hints */ are comments; a name may start with a digit when it is not a number (1t, 2e);
// after "name." digits start a name (t.1c); 0x and 0b prefixes are lower case only.
#include "sources/mysql/ddl/lexer.hpp"

#include <cctype>

namespace starcdc::mysql::ddl {
namespace {

constexpr size_t kMaxVersionDigits = 6;  // MySQL writes 5 (50100), MariaDB 6 (100301)

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_name_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || c == '$' || u >= 0x80;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (const char c : s) {
    if (!pred(c)) {
      return false;
    }
  }
  return !s.empty();
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_bit(char c) { return c == '0' || c == '1'; }

char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower_char(a[i]) != lower_char(b[i])) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = lower_char(c);
  }
  return out;
}

void Lexer::skip_blanks() {
  const size_t n = sql_.size();
  while (pos_ < n) {
    const char c = sql_[pos_];
    const char next = pos_ + 1 < n ? sql_[pos_ + 1] : '\0';
    if (is_blank(c)) {
      ++pos_;
    } else if (c == '#' || (c == '-' && next == '-' &&
                            (pos_ + 2 >= n || static_cast<unsigned char>(sql_[pos_ + 2]) <= ' '))) {
      const size_t eol = sql_.find('\n', pos_);
      pos_ = eol == std::string_view::npos ? n : eol + 1;
    } else if (c == '/' && next == '*') {
      const char third = pos_ + 2 < n ? sql_[pos_ + 2] : '\0';
      const bool mariadb = third == 'M' && pos_ + 3 < n && sql_[pos_ + 3] == '!';
      if ((third == '!' || mariadb) && !in_executable_comment_) {
        pos_ += mariadb ? 4 : 3;
        for (size_t d = 0; d < kMaxVersionDigits && pos_ < n && is_digit(sql_[pos_]); ++d) {
          ++pos_;
        }
        in_executable_comment_ = true;
        continue;
      }
      const size_t close = sql_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        return;  // unterminated: next() reports it
      }
      pos_ = close + 2;
    } else if (c == '*' && next == '/' && in_executable_comment_) {
      pos_ += 2;
      in_executable_comment_ = false;
    } else {
      return;
    }
  }
}

Token Lexer::make(TokenKind kind, size_t start, size_t end) {
  pos_ = end;
  name_before_ = kind == TokenKind::Word || kind == TokenKind::QuotedName ||
                 (kind == TokenKind::String && sql_[start] == '"');
  return Token{kind, sql_.substr(start, end - start), start};
}

Token Lexer::next() {
  skip_blanks();
  const size_t n = sql_.size();
  const bool after_dot = after_dot_;
  after_dot_ = false;
  if (pos_ >= n) {
    return Token{TokenKind::End, sql_.substr(n), n};
  }
  const size_t start = pos_;
  const char c = sql_[pos_];
  const char next = pos_ + 1 < n ? sql_[pos_ + 1] : '\0';
  if (c == '/' && next == '*') {
    return make(TokenKind::Invalid, start, n);
  }
  if (next == '\'' && !after_dot) {
    const char p = lower_char(c);
    if (p == 'n') {
      return quoted(start, start + 1, TokenKind::String, !mode_.no_backslash_escapes);
    }
    if (p == 'x') {
      return quoted(start, start + 1, TokenKind::HexString, false);
    }
    if (p == 'b') {
      return quoted(start, start + 1, TokenKind::BitString, false);
    }
  }
  if (is_name_char(c)) {
    return word_or_number(start, after_dot);
  }
  switch (c) {
    case '`':
      return quoted(start, start, TokenKind::QuotedName, false);
    case '\'':
      return quoted(start, start, TokenKind::String, !mode_.no_backslash_escapes);
    case '"':
      return mode_.ansi_quotes
                 ? quoted(start, start, TokenKind::QuotedName, false)
                 : quoted(start, start, TokenKind::String, !mode_.no_backslash_escapes);
    default:
      break;
  }
  if (c == '.' && is_digit(next) && !name_before_) {
    size_t e = pos_ + 1;
    while (e < n && is_digit(sql_[e])) {
      ++e;
    }
    if (e < n && (sql_[e] == 'e' || sql_[e] == 'E')) {
      size_t q = e + 1;
      if (q < n && (sql_[q] == '+' || sql_[q] == '-')) {
        ++q;
      }
      if (q < n && is_digit(sql_[q])) {
        e = q;
        while (e < n && is_digit(sql_[e])) {
          ++e;
        }
      }
    }
    return make(TokenKind::Number, start, e);
  }
  const bool qualifies = c == '.' && name_before_;
  Token t = symbol(start);
  after_dot_ = qualifies;
  return t;
}

Token Lexer::word_or_number(size_t start, bool after_dot) {
  const size_t n = sql_.size();
  size_t e = start;
  while (e < n && is_name_char(sql_[e])) {
    ++e;
  }
  const std::string_view run = sql_.substr(start, e - start);
  if (after_dot || !is_digit(run[0])) {
    return make(TokenKind::Word, start, e);
  }
  size_t digits = 0;
  while (digits < run.size() && is_digit(run[digits])) {
    ++digits;
  }
  const auto exponent = [&](size_t p) {
    if (p < n && (sql_[p] == 'e' || sql_[p] == 'E')) {
      size_t q = p + 1;
      if (q < n && (sql_[q] == '+' || sql_[q] == '-')) {
        ++q;
      }
      if (q < n && is_digit(sql_[q])) {
        while (q < n && is_digit(sql_[q])) {
          ++q;
        }
        return q;
      }
    }
    return p;
  };
  if (digits == run.size()) {
    size_t p = e;
    if (p < n && sql_[p] == '.') {
      ++p;
      while (p < n && is_digit(sql_[p])) {
        ++p;
      }
    }
    return make(TokenKind::Number, start, exponent(p));
  }
  if (run.size() > 2 && run[0] == '0' &&
      ((run[1] == 'x' && all_of(run.substr(2), is_hex)) ||
       (run[1] == 'b' && all_of(run.substr(2), is_bit)))) {
    return make(TokenKind::Number, start, e);
  }
  const char x = run[digits];
  if (x == 'e' || x == 'E') {
    if (digits + 1 < run.size() && all_of(run.substr(digits + 1), is_digit)) {
      return make(TokenKind::Number, start, e);  // 1e5
    }
    if (digits + 1 == run.size()) {
      const size_t p = exponent(start + digits);
      if (p > e) {
        return make(TokenKind::Number, start, p);  // 1e-5, 1e+5
      }
    }
  }
  return make(TokenKind::Word, start, e);
}

Token Lexer::quoted(size_t start, size_t quote_at, TokenKind kind, bool escapes) {
  const size_t n = sql_.size();
  const char q = sql_[quote_at];
  size_t i = quote_at + 1;
  while (i < n) {
    const char c = sql_[i];
    if (c == '\\' && escapes) {
      i += 2;
    } else if (c == q) {
      if (i + 1 < n && sql_[i + 1] == q) {
        i += 2;
      } else {
        return make(kind, start, i + 1);
      }
    } else {
      ++i;
    }
  }
  return make(TokenKind::Invalid, start, n);
}

Token Lexer::symbol(size_t start) {
  const std::string_view rest = sql_.substr(start);
  for (const std::string_view op : {"<=>", "->>"}) {
    if (rest.substr(0, 3) == op) {
      return make(TokenKind::Symbol, start, start + 3);
    }
  }
  for (const std::string_view op : {"<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->"}) {
    if (rest.substr(0, 2) == op) {
      return make(TokenKind::Symbol, start, start + 2);
    }
  }
  return make(TokenKind::Symbol, start, start + 1);
}

const Token& TokenStream::peek(size_t ahead) {
  while (count_ <= ahead) {
    ring_[(head_ + count_) % kLookahead] = lexer_.next();
    ++count_;
  }
  return ring_[(head_ + ahead) % kLookahead];
}

Token TokenStream::take() {
  Token t = peek(0);
  head_ = (head_ + 1) % kLookahead;
  --count_;
  return t;
}

std::string name_value(const Token& t) {
  if (t.kind == TokenKind::Word) {
    return std::string(t.text);
  }
  if (t.kind == TokenKind::QuotedName) {
    const char q = t.text.front();
    std::string out;
    out.reserve(t.text.size() - 2);
    for (size_t i = 1; i + 1 < t.text.size(); ++i) {
      out.push_back(t.text[i]);
      if (t.text[i] == q) {
        ++i;  // a doubled quote stands for one
      }
    }
    return out;
  }
  return string_value(t, true);
}

std::string string_value(const Token& t, bool escapes) {
  std::string_view s = t.text;
  if (!s.empty() && s.front() != '\'' && s.front() != '"') {
    s.remove_prefix(1);  // N'...'
  }
  if (s.size() < 2) {
    return {};
  }
  const char q = s.front();
  s = s.substr(1, s.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == q && i + 1 < s.size() && s[i + 1] == q) {
      out.push_back(q);
      ++i;
    } else if (c == '\\' && escapes && i + 1 < s.size()) {
      const char e = s[++i];
      switch (e) {
        case '0':
          out.push_back('\0');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'Z':
          out.push_back('\x1a');
          break;
        case '%':
        case '_':
          out.push_back('\\');
          out.push_back(e);
          break;
        default:
          out.push_back(e);
      }
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace starcdc::mysql::ddl
