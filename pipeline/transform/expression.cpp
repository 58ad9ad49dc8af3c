#include "pipeline/transform/expression.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace starcdc::transform {
namespace {

enum class Tok : uint8_t { End, Word, Quoted, Number, String, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string text;  // words as written; punctuation as is
  size_t offset = 0;
};

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view what) : text_(text), what_(what) {}

  Result<std::vector<ProjectionItem>> projection() {
    try {
      tokenize();
      std::vector<ProjectionItem> items;
      do {
        ProjectionItem item;
        item.offset = peek().offset;
        if (is_punct("*")) {
          next();
          item.star = true;
        } else {
          item.expr = expr();
          if (is_word("AS")) {
            next();
            item.alias = name_token("a column name after AS");
          } else if (peek().kind == Tok::Word || peek().kind == Tok::Quoted) {
            if (!keyword(peek())) {
              item.alias = name_token("a column name");
            }
          }
        }
        items.push_back(std::move(item));
      } while (accept(","));
      expect_end();
      return items;
    } catch (const Error& e) {
      return e;
    }
  }

  Result<Expr> expression() {
    try {
      tokenize();
      Expr e = expr();
      expect_end();
      return e;
    } catch (const Error& e) {
      return e;
    }
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& message) const {
    throw Error(ErrorKind::Config, std::string(what_) + ", at character " +
                                       std::to_string(offset + 1) + ": " + message);
  }

  void tokenize() {
    size_t i = 0;
    // Flink CDC asks for `\*` when the star starts the text (YAML would read `*` as an alias).
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++i;
        continue;
      }
      Token t;
      t.offset = i;
      if (c == '\\' && i + 1 < text_.size() && text_[i + 1] == '*') {
        t.kind = Tok::Punct;
        t.text = "*";
        i += 2;
      } else if (c == '\'') {
        t.kind = Tok::String;
        ++i;
        for (;;) {
          if (i >= text_.size()) {
            fail(t.offset, "unterminated string literal");
          }
          if (text_[i] == '\'') {
            if (i + 1 < text_.size() && text_[i + 1] == '\'') {
              t.text.push_back('\'');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          t.text.push_back(text_[i++]);
        }
      } else if (c == '`' || c == '"') {
        t.kind = Tok::Quoted;
        ++i;
        for (;;) {
          if (i >= text_.size()) {
            fail(t.offset, "unterminated quoted name");
          }
          if (text_[i] == c) {
            if (i + 1 < text_.size() && text_[i + 1] == c) {
              t.text.push_back(c);
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          t.text.push_back(text_[i++]);
        }
      } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
                 (c == '.' && i + 1 < text_.size() &&
                  std::isdigit(static_cast<unsigned char>(text_[i + 1])) != 0)) {
        t.kind = Tok::Number;
        while (i < text_.size() &&
               (std::isdigit(static_cast<unsigned char>(text_[i])) != 0 || text_[i] == '.')) {
          t.text.push_back(text_[i++]);
        }
        if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
          t.text.push_back(text_[i++]);
          if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) {
            t.text.push_back(text_[i++]);
          }
          while (i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i])) != 0) {
            t.text.push_back(text_[i++]);
          }
        }
        if (std::count(t.text.begin(), t.text.end(), '.') > 1 ||
            (i < text_.size() && word_char(text_[i]))) {
          fail(t.offset, "malformed number");
        }
      } else if (word_char(c)) {
        t.kind = Tok::Word;
        while (i < text_.size() && word_char(text_[i])) {
          t.text.push_back(text_[i++]);
        }
      } else {
        t.kind = Tok::Punct;
        static const char* const kTwo[] = {"<>", "<=", ">=", "!=", "||", "=="};
        bool two = false;
        for (const char* op : kTwo) {
          if (text_.substr(i, 2) == op) {
            t.text = op;
            i += 2;
            two = true;
            break;
          }
        }
        if (!two) {
          if (std::string_view("+-*/%=<>(),").find(c) == std::string_view::npos) {
            fail(i, std::string("unexpected character '") + c + "'");
          }
          t.text = std::string(1, c);
          ++i;
        }
        if (t.text == "!=") {
          t.text = "<>";
        } else if (t.text == "==") {
          t.text = "=";
        }
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.offset = text_.size();
    tokens_.push_back(end);
  }

  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  Token next() {
    Token t = peek();
    if (pos_ + 1 < tokens_.size()) {
      ++pos_;
    }
    return t;
  }
  bool is_punct(std::string_view p, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::Punct && peek(ahead).text == p;
  }
  bool is_word(std::string_view w, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::Word && upper(peek(ahead).text) == w;
  }
  bool accept(std::string_view p) {
    if (is_punct(p)) {
      next();
      return true;
    }
    return false;
  }
  void expect(std::string_view p) {
    if (!accept(p)) {
      fail(peek().offset, "expected '" + std::string(p) + "'" + found());
    }
  }
  void expect_word(std::string_view w) {
    if (!is_word(w)) {
      fail(peek().offset, "expected " + std::string(w) + found());
    }
    next();
  }
  std::string found() const {
    if (peek().kind == Tok::End) {
      return ", found the end";
    }
    return ", found '" + peek().text + "'";
  }
  void expect_end() {
    if (peek().kind != Tok::End) {
      fail(peek().offset, "unexpected '" + peek().text + "'");
    }
  }
  static bool keyword(const Token& t) {
    static const char* const kWords[] = {"AND", "OR",   "NOT",  "IS",   "NULL", "BETWEEN",
                                         "IN",  "LIKE", "CASE", "WHEN", "THEN", "ELSE",
                                         "END", "AS",   "TRUE", "FALSE"};
    if (t.kind != Tok::Word) {
      return false;
    }
    const std::string u = upper(t.text);
    return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return u == w; });
  }
  std::string name_token(const char* what) {
    const Token& t = peek();
    if ((t.kind != Tok::Word && t.kind != Tok::Quoted) || (t.kind == Tok::Word && keyword(t))) {
      fail(t.offset, std::string("expected ") + what + found());
    }
    return next().text;
  }

  static Expr node(Expr::Kind kind, std::string text, size_t offset, std::vector<Expr> args) {
    Expr e;
    e.kind = kind;
    e.text = std::move(text);
    e.offset = offset;
    e.args = std::move(args);
    return e;
  }

  Expr expr() {
    if (++depth_ > 200) {
      fail(peek().offset, "expression nested too deeply");
    }
    Expr e = or_expr();
    --depth_;
    return e;
  }
  Expr or_expr() {
    Expr left = and_expr();
    while (is_word("OR")) {
      const size_t at = next().offset;
      left = node(Expr::Kind::Binary, "OR", at, {std::move(left), and_expr()});
    }
    return left;
  }
  Expr and_expr() {
    Expr left = not_expr();
    while (is_word("AND")) {
      const size_t at = next().offset;
      left = node(Expr::Kind::Binary, "AND", at, {std::move(left), not_expr()});
    }
    return left;
  }
  Expr not_expr() {
    if (is_word("NOT")) {
      const size_t at = next().offset;
      if (++depth_ > 200) {
        fail(at, "expression nested too deeply");
      }
      Expr inner = not_expr();
      --depth_;
      return node(Expr::Kind::Unary, "NOT", at, {std::move(inner)});
    }
    return predicate();
  }
  Expr predicate() {
    Expr left = concat();
    const size_t at = peek().offset;
    static const char* const kCmp[] = {"=", "<>", "<", "<=", ">", ">="};
    for (const char* op : kCmp) {
      if (is_punct(op)) {
        next();
        return node(Expr::Kind::Binary, op, at, {std::move(left), concat()});
      }
    }
    if (is_word("IS")) {
      next();
      Expr e = node(Expr::Kind::IsNull, "", at, {std::move(left)});
      if (is_word("NOT")) {
        next();
        e.negated = true;
      }
      expect_word("NULL");
      return e;
    }
    bool negated = false;
    if (is_word("NOT") && (is_word("BETWEEN", 1) || is_word("IN", 1) || is_word("LIKE", 1))) {
      next();
      negated = true;
    }
    if (is_word("BETWEEN")) {
      next();
      Expr low = concat();
      expect_word("AND");
      Expr e = node(Expr::Kind::Between, "", at, {std::move(left), std::move(low), concat()});
      e.negated = negated;
      return e;
    }
    if (is_word("IN")) {
      next();
      expect("(");
      std::vector<Expr> args{std::move(left)};
      do {
        args.push_back(expr());
      } while (accept(","));
      expect(")");
      Expr e = node(Expr::Kind::In, "", at, std::move(args));
      e.negated = negated;
      return e;
    }
    if (is_word("LIKE")) {
      next();
      Expr e = node(Expr::Kind::Like, "", at, {std::move(left), concat()});
      e.negated = negated;
      return e;
    }
    return left;
  }
  Expr concat() {
    Expr left = additive();
    while (is_punct("||")) {
      const size_t at = next().offset;
      left = node(Expr::Kind::Binary, "||", at, {std::move(left), additive()});
    }
    return left;
  }
  Expr additive() {
    Expr left = multiplicative();
    while (is_punct("+") || is_punct("-")) {
      Token op = next();
      left = node(Expr::Kind::Binary, op.text, op.offset, {std::move(left), multiplicative()});
    }
    return left;
  }
  Expr multiplicative() {
    Expr left = unary();
    while (is_punct("*") || is_punct("/") || is_punct("%")) {
      Token op = next();
      left = node(Expr::Kind::Binary, op.text, op.offset, {std::move(left), unary()});
    }
    return left;
  }
  Expr unary() {
    if (is_punct("-") || is_punct("+")) {
      Token op = next();
      if (++depth_ > 200) {
        fail(op.offset, "expression nested too deeply");
      }
      Expr inner = unary();
      --depth_;
      if (op.text == "+") {
        return inner;
      }
      if (inner.kind == Expr::Kind::Literal &&
          (inner.literal == Expr::Literal::Integer || inner.literal == Expr::Literal::Decimal ||
           inner.literal == Expr::Literal::Double) &&
          inner.text[0] != '-') {
        inner.text.insert(0, "-");
        inner.offset = op.offset;
        return inner;
      }
      return node(Expr::Kind::Unary, "-", op.offset, {std::move(inner)});
    }
    return primary();
  }
  Expr primary() {
    const Token t = peek();
    switch (t.kind) {
      case Tok::End:
        fail(t.offset, "expected an expression, found the end");
      case Tok::Number: {
        next();
        Expr e = node(Expr::Kind::Literal, t.text, t.offset, {});
        if (t.text.find_first_of("eE") != std::string::npos) {
          e.literal = Expr::Literal::Double;
        } else if (t.text.find('.') != std::string::npos) {
          e.literal = Expr::Literal::Decimal;
        } else {
          e.literal = Expr::Literal::Integer;
        }
        return e;
      }
      case Tok::String: {
        next();
        Expr e = node(Expr::Kind::Literal, t.text, t.offset, {});
        e.literal = Expr::Literal::String;
        return e;
      }
      case Tok::Quoted:
        next();
        return node(Expr::Kind::Name, t.text, t.offset, {});
      case Tok::Punct:
        if (t.text == "(") {
          next();
          Expr e = expr();
          expect(")");
          return e;
        }
        fail(t.offset, "expected an expression, found '" + t.text + "'");
      case Tok::Word:
        break;
    }
    const std::string u = upper(t.text);
    if (u == "NULL" || u == "TRUE" || u == "FALSE") {
      next();
      Expr e = node(Expr::Kind::Literal, u == "NULL" ? "" : u, t.offset, {});
      e.literal = u == "NULL" ? Expr::Literal::Null : Expr::Literal::Bool;
      return e;
    }
    if (u == "CASE") {
      return case_expr();
    }
    if ((u == "CAST" || u == "TRY_CAST") && is_punct("(", 1)) {
      next();
      next();
      Expr inner = expr();
      expect_word("AS");
      Expr e = node(Expr::Kind::Cast, type_name(), t.offset, {std::move(inner)});
      e.try_cast = u == "TRY_CAST";
      expect(")");
      return e;
    }
    if (keyword(t)) {
      fail(t.offset, "expected an expression, found '" + t.text + "'");
    }
    next();
    if (accept("(")) {
      std::vector<Expr> args;
      if (!accept(")")) {
        do {
          args.push_back(expr());
        } while (accept(","));
        expect(")");
      }
      return node(Expr::Kind::Call, u, t.offset, std::move(args));
    }
    // CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP are written without parentheses.
    if (u == "CURRENT_TIMESTAMP" || u == "CURRENT_DATE" || u == "LOCALTIMESTAMP" ||
        u == "CURRENT_TIME" || u == "LOCALTIME") {
      return node(Expr::Kind::Call, u, t.offset, {});
    }
    return node(Expr::Kind::Name, t.text, t.offset, {});
  }
  // A type as written: BIGINT, DECIMAL(10, 2), VARCHAR(20), TIMESTAMP(3), BIGINT UNSIGNED.
  std::string type_name() {
    if (peek().kind != Tok::Word) {
      fail(peek().offset, "expected a type name" + found());
    }
    std::string out = upper(next().text);
    if (accept("(")) {
      out += "(";
      do {
        if (peek().kind != Tok::Number) {
          fail(peek().offset, "expected a number in the type" + found());
        }
        if (out.back() != '(') {
          out += ",";
        }
        out += next().text;
      } while (accept(","));
      expect(")");
      out += ")";
    }
    while (peek().kind == Tok::Word && !keyword(peek())) {
      out += " " + upper(next().text);
    }
    return out;
  }
  Expr case_expr() {
    const size_t at = next().offset;
    std::optional<Expr> subject;
    if (!is_word("WHEN")) {
      subject = expr();
    }
    Expr e = node(Expr::Kind::Case, "", at, {});
    if (!is_word("WHEN")) {
      fail(peek().offset, "expected WHEN" + found());
    }
    while (is_word("WHEN")) {
      const size_t when_at = next().offset;
      Expr cond = expr();
      if (subject) {
        cond = node(Expr::Kind::Binary, "=", when_at, {*subject, std::move(cond)});
      }
      expect_word("THEN");
      e.args.push_back(std::move(cond));
      e.args.push_back(expr());
    }
    if (is_word("ELSE")) {
      next();
      e.args.push_back(expr());
      e.has_else = true;
    }
    expect_word("END");
    return e;
  }

  std::string_view text_;
  std::string_view what_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<std::vector<ProjectionItem>> parse_projection(std::string_view text) {
  return Parser(text, "projection").projection();
}

Result<Expr> parse_expression(std::string_view text, std::string_view what) {
  return Parser(text, what).expression();
}

std::string to_string(const Expr& e) {
  auto list = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < e.args.size(); ++i) {
      out += (i == from ? "" : ", ") + to_string(e.args[i]);
    }
    return out;
  };
  const std::string neg = e.negated ? "NOT " : "";
  switch (e.kind) {
    case Expr::Kind::Literal:
      if (e.literal == Expr::Literal::Null) {
        return "NULL";
      }
      if (e.literal == Expr::Literal::String) {
        std::string out = "'";
        for (char c : e.text) {
          out += c == '\'' ? "''" : std::string(1, c);
        }
        return out + "'";
      }
      return e.text;
    case Expr::Kind::Name:
      return e.text;
    case Expr::Kind::Unary:
      return "(" + e.text + (e.text == "NOT" ? " " : "") + to_string(e.args[0]) + ")";
    case Expr::Kind::Binary:
      return "(" + to_string(e.args[0]) + " " + e.text + " " + to_string(e.args[1]) + ")";
    case Expr::Kind::Call:
      return e.text + "(" + list(0) + ")";
    case Expr::Kind::Cast:
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + to_string(e.args[0]) + " AS " +
             e.text + ")";
    case Expr::Kind::IsNull:
      return "(" + to_string(e.args[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case Expr::Kind::Between:
      return "(" + to_string(e.args[0]) + " " + neg + "BETWEEN " + to_string(e.args[1]) + " AND " +
             to_string(e.args[2]) + ")";
    case Expr::Kind::In:
      return "(" + to_string(e.args[0]) + " " + neg + "IN (" + list(1) + "))";
    case Expr::Kind::Like:
      return "(" + to_string(e.args[0]) + " " + neg + "LIKE " + to_string(e.args[1]) + ")";
    case Expr::Kind::Case: {
      std::string out = "CASE";
      const size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        out += " WHEN " + to_string(e.args[2 * i]) + " THEN " + to_string(e.args[2 * i + 1]);
      }
      if (e.has_else) {
        out += " ELSE " + to_string(e.args.back());
      }
      return out + " END";
    }
  }
  return "";
}

}  // namespace starcdc::transform
