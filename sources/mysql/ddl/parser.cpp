#include "sources/mysql/ddl/parser.hpp"

#include <charconv>
#include <string>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::ddl {
namespace {

constexpr size_t kExcerptBytes = 40;

// Up to kExcerptBytes of the statement from `offset`, on one line, not cutting a UTF-8 sequence.
std::string excerpt(std::string_view sql, size_t offset) {
  std::string_view s = sql.substr(offset, kExcerptBytes);
  if (offset + s.size() < sql.size()) {
    size_t end = s.size();
    while (end > 0 && (static_cast<unsigned char>(sql[offset + end]) & 0xC0) == 0x80) {
      --end;
    }
    s = s.substr(0, end);
  }
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < ' ') {
      c = ' ';
    }
  }
  if (offset + s.size() < sql.size()) {
    out += "...";
  }
  return out;
}

}  // namespace

bool Parser::is_word(std::string_view keyword, size_t ahead) {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::Word && iequals(t.text, keyword);
}

bool Parser::accept(std::string_view keyword) {
  if (!is_word(keyword)) {
    return false;
  }
  take();
  return true;
}

bool Parser::accept(std::string_view first, std::string_view second) {
  if (!is_word(first) || !is_word(second, 1)) {
    return false;
  }
  take();
  take();
  return true;
}

void Parser::expect(std::string_view keyword) {
  if (!accept(keyword)) {
    fail("expected " + std::string(keyword));
  }
}

bool Parser::is_symbol(std::string_view symbol, size_t ahead) {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::Symbol && t.text == symbol;
}

bool Parser::accept_symbol(std::string_view symbol) {
  if (!is_symbol(symbol)) {
    return false;
  }
  take();
  return true;
}

void Parser::expect_symbol(std::string_view symbol) {
  if (!accept_symbol(symbol)) {
    fail("expected '" + std::string(symbol) + "'");
  }
}

bool Parser::at_end() { return peek().kind == TokenKind::End || is_symbol(";"); }

bool Parser::at_item_end() { return at_end() || is_symbol(",") || is_symbol(")"); }

bool Parser::is_name(size_t ahead) {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::Word || t.kind == TokenKind::QuotedName ||
         (t.kind == TokenKind::String && t.text.front() == '"');
}

std::string Parser::name(std::string_view what) {
  if (!is_name()) {
    fail("expected " + std::string(what));
  }
  return name_value(take());
}

TableId Parser::table_name() {
  std::string first = name("a table name");
  if (!accept_symbol(".")) {
    return TableId{default_db_, std::move(first)};
  }
  std::string second = name("a table name after the database");
  return TableId{std::move(first), std::move(second)};
}

bool Parser::accept_if_not_exists() {
  if (!is_word("IF") || !is_word("NOT", 1) || !is_word("EXISTS", 2)) {
    return false;
  }
  take();
  take();
  take();
  return true;
}

std::string Parser::string_literal(std::string_view what) {
  const Token& t = peek();
  if (t.kind != TokenKind::String) {
    fail("expected " + std::string(what));
  }
  return string_value(take(), !mode_.no_backslash_escapes);
}

uint64_t Parser::number(std::string_view what) {
  const Token& t = peek();
  uint64_t v = 0;
  const char* end = t.text.data() + t.text.size();
  if (t.kind != TokenKind::Number || std::from_chars(t.text.data(), end, v).ptr != end) {
    fail("expected " + std::string(what));
  }
  take();
  return v;
}

std::string Parser::option_name(std::string_view what) {
  accept_symbol("=");
  const Token& t = peek();
  if (t.kind == TokenKind::String) {
    return lower(string_literal(what));
  }
  return lower(name(what));
}

std::string_view Parser::skip_parens() {
  const Token open = take();
  if (open.kind != TokenKind::Symbol || open.text != "(") {
    fail_at("expected '('", open);
  }
  size_t depth = 1;
  while (true) {
    const Token& t = peek();
    if (t.kind == TokenKind::End || t.kind == TokenKind::Invalid) {
      fail_at("unbalanced parentheses", t.kind == TokenKind::Invalid ? t : open);
    }
    const Token took = take();
    if (took.kind == TokenKind::Symbol && took.text == "(") {
      ++depth;
    } else if (took.kind == TokenKind::Symbol && took.text == ")" && --depth == 0) {
      return text(open.end(), took.offset);
    }
  }
}

void Parser::skip_item() {
  while (!at_item_end()) {
    if (peek().kind == TokenKind::Invalid) {
      fail("unterminated quote or comment");
    }
    if (is_symbol("(")) {
      skip_parens();
    } else {
      take();
    }
  }
}

void Parser::skip_rest() {
  while (!at_end()) {
    if (peek().kind == TokenKind::Invalid) {
      fail("unterminated quote or comment");
    }
    if (is_symbol("(")) {
      skip_parens();
    } else if (is_symbol(")")) {
      fail("unbalanced parentheses");
    } else {
      take();
    }
  }
}

void Parser::fail(std::string_view what) { fail_at(what, peek()); }

void Parser::fail_at(std::string_view what, const Token& at) {
  std::string message;
  if (at.kind == TokenKind::Invalid) {
    const char c = at.text.front();
    message = c == '/'   ? "unterminated comment"
              : c == '`' ? "unterminated quoted name"
                         : "unterminated string";
  } else {
    message = what;
  }
  message += ", at offset " + std::to_string(at.offset);
  if (at.kind == TokenKind::End) {
    message += " (the end of the statement)";
  } else {
    message += " near '" + excerpt(sql(), at.offset) + "'";
  }
  throw Error(ErrorKind::Data, message);
}

}  // namespace starcdc::mysql::ddl
