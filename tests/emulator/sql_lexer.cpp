#include "sql_lexer.hpp"

#include <cctype>

namespace emu::sql {
namespace {

std::string to_upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return r;
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

bool lex(std::string_view s, std::vector<Token>* out, std::string* error) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') {
        ++i;
      }
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      auto end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
      continue;
    }
    Token t;
    t.pos = i;
    if (c == '\'' || c == '"' || c == '`') {
      char q = c;
      std::string v;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && q != '`' && i + 1 < s.size()) {
          char n = s[i + 1];
          v.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == '0' ? '\0' : n);
          i += 2;
          continue;
        }
        if (s[i] == q) {
          if (i + 1 < s.size() && s[i + 1] == q) {
            v.push_back(q);
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        v.push_back(s[i++]);
      }
      if (!closed) {
        *error = "Unterminated quoted text starting at " + std::to_string(t.pos);
        return false;
      }
      t.kind = q == '`' ? Tok::kQuotedIdent : Tok::kString;
      t.text = v;
      t.upper = to_upper(v);
      out->push_back(std::move(t));
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' ||
                              s[j] == 'e' || s[j] == 'E')) {
        ++j;
      }
      t.kind = Tok::kNumber;
      t.text = std::string(s.substr(i, j - i));
      t.upper = t.text;
      i = j;
      out->push_back(std::move(t));
      continue;
    }
    if (c == '@') {
      size_t j = i;
      while (j < s.size() && s[j] == '@') {
        ++j;
      }
      while (j < s.size() && (word_char(s[j]) || s[j] == '.')) {
        ++j;
      }
      t.kind = Tok::kVariable;
      t.text = std::string(s.substr(i, j - i));
      t.upper = to_upper(t.text);
      i = j;
      out->push_back(std::move(t));
      continue;
    }
    if (word_char(c)) {
      size_t j = i;
      while (j < s.size() && word_char(s[j])) {
        ++j;
      }
      t.kind = Tok::kWord;
      t.text = std::string(s.substr(i, j - i));
      t.upper = to_upper(t.text);
      i = j;
      out->push_back(std::move(t));
      continue;
    }
    static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "!="};
    t.kind = Tok::kSymbol;
    t.text = std::string(1, c);
    for (std::string_view two : kTwo) {
      if (s.substr(i, 2) == two) {
        t.text = std::string(two);
      }
    }
    t.upper = t.text;
    i += t.text.size();
    out->push_back(std::move(t));
  }
  Token end;
  end.pos = s.size();
  out->push_back(end);
  return true;
}

const Token& Cursor::peek(size_t ahead) const {
  size_t k = std::min(i_ + ahead, tokens_.size() - 1);
  return tokens_[k];
}

const Token& Cursor::next() {
  const Token& t = peek();
  if (i_ < tokens_.size() - 1) {
    ++i_;
  }
  return t;
}

bool Cursor::is(std::string_view kw, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == Tok::kWord && t.upper == kw;
}

bool Cursor::is_symbol(std::string_view sym, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == Tok::kSymbol && t.text == sym;
}

bool Cursor::accept(std::string_view kw) {
  if (is(kw)) {
    next();
    return true;
  }
  return false;
}

bool Cursor::accept_seq(std::initializer_list<std::string_view> kws) {
  size_t k = 0;
  for (std::string_view kw : kws) {
    if (!is(kw, k++)) {
      return false;
    }
  }
  for (size_t j = 0; j < kws.size(); ++j) {
    next();
  }
  return true;
}

bool Cursor::accept_symbol(std::string_view sym) {
  if (is_symbol(sym)) {
    next();
    return true;
  }
  return false;
}

std::optional<std::string> Cursor::identifier() {
  const Token& t = peek();
  if (t.kind == Tok::kWord || t.kind == Tok::kQuotedIdent) {
    next();
    return t.text;
  }
  return std::nullopt;
}

bool Cursor::qualified_name(std::string* db, std::string* name) {
  auto first = identifier();
  if (!first) {
    return false;
  }
  if (accept_symbol(".")) {
    auto second = identifier();
    if (!second) {
      return false;
    }
    *db = *first;
    *name = *second;
  } else {
    *name = *first;
  }
  return true;
}

std::optional<std::string> Cursor::string_literal() {
  const Token& t = peek();
  if (t.kind == Tok::kString) {
    next();
    return t.text;
  }
  return std::nullopt;
}

std::string_view Cursor::rest_text() const { return sql_.substr(peek().pos); }

}  // namespace emu::sql
