// Data types and column attributes: sql/sql_yacc.yy `type`, `field_def` and `column_attribute`
// (MySQL 8.0) and `field_type`, `opt_attribute` (MariaDB 10.11); the MySQL manual's "Data Type
// Storage Requirements" for TEXT(M)/BLOB(M), and "Numeric Data Type Syntax" for FLOAT(p).
#include "sources/mysql/ddl/column_definition.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace starcdc::mysql::ddl {
namespace {

constexpr uint64_t kFloatMaxPrecision = 24;  // FLOAT(p): p <= 24 is FLOAT, above is DOUBLE
constexpr uint64_t kDefaultDecimalPrecision = 10;
constexpr uint64_t kTinyMaxBytes = 255;
constexpr uint64_t kSmallMaxBytes = 65535;
constexpr uint64_t kMediumMaxBytes = 16777215;
constexpr uint64_t kUnknownCharsetBytes = 4;  // no charset written: assume utf8mb4

struct Precision {
  uint64_t m = 0;
  std::optional<uint64_t> d;
};

std::optional<uint64_t> length(Parser& p) {
  if (!p.accept_symbol("(")) {
    return std::nullopt;
  }
  const uint64_t n = p.number("a length");
  p.expect_symbol(")");
  return n;
}

std::optional<Precision> precision(Parser& p) {
  if (!p.accept_symbol("(")) {
    return std::nullopt;
  }
  Precision r;
  r.m = p.number("a precision");
  if (p.accept_symbol(",")) {
    r.d = p.number("a scale");
  }
  p.expect_symbol(")");
  return r;
}

// SIGNED / UNSIGNED / ZEROFILL in any number and order; ZEROFILL implies UNSIGNED.
std::string sign(Parser& p) {
  bool is_unsigned = false;
  while (true) {
    if (p.accept("UNSIGNED") || p.accept("ZEROFILL")) {
      is_unsigned = true;
    } else if (!p.accept("SIGNED")) {
      break;
    }
  }
  return is_unsigned ? " unsigned" : "";
}

std::string with_length(std::string_view type, uint64_t n) {
  return std::string(type) + "(" + std::to_string(n) + ")";
}

std::string quote_label(const std::string& label) {
  std::string out = "'";
  for (const char c : label) {
    out.push_back(c);
    if (c == '\'') {
      out.push_back('\'');
    }
  }
  return out + "'";
}

std::string labels(Parser& p, std::string_view type) {
  std::string out(type);
  out += '(';
  p.expect_symbol("(");
  do {
    if (p.peek().kind == TokenKind::Word && p.peek().text.front() == '_') {
      p.take();  // _utf8mb4'label'
    }
    if (out.back() != '(') {
      out += ',';
    }
    out += quote_label(p.string_literal("a quoted ENUM or SET value"));
  } while (p.accept_symbol(","));
  p.expect_symbol(")");
  return out + ")";
}

// Bytes per character of the charsets a TEXT(M) column may name (MySQL's mbmaxlen).
uint64_t max_bytes_per_char(const std::string& charset) {
  if (charset.empty()) {
    return kUnknownCharsetBytes;
  }
  for (const std::string_view four : {"utf8mb4", "utf16", "utf16le", "utf32", "gb18030"}) {
    if (charset == four) {
      return 4;
    }
  }
  for (const std::string_view three : {"utf8", "utf8mb3", "ujis", "eucjpms"}) {
    if (charset == three) {
      return 3;
    }
  }
  for (const std::string_view two : {"ucs2", "big5", "cp932", "euckr", "gb2312", "gbk", "sjis"}) {
    if (charset == two) {
      return 2;
    }
  }
  return 1;
}

std::string sized_lob(std::string_view kind, uint64_t bytes) {
  const std::string k(kind);
  if (bytes <= kTinyMaxBytes) {
    return "tiny" + k;
  }
  if (bytes <= kSmallMaxBytes) {
    return k;
  }
  return (bytes <= kMediumMaxBytes ? "medium" : "long") + k;
}

// The data type as written → ColumnSpec::type (and what a type implies: SERIAL, NATIONAL).
// `text_chars` is set for TEXT(M), resolved once the column's charset is known.
void parse_type(Parser& p, ColumnSpec& c, std::optional<uint64_t>& text_chars) {
  const Token at = p.peek();
  if (at.kind != TokenKind::Word) {
    p.fail("expected the data type of column " + c.name);
  }
  std::string w = lower(p.take().text);
  bool national = false;
  if (w == "national") {
    national = true;
    w = lower(p.name("a character type after NATIONAL"));
  }
  if (w == "nchar" || w == "nvarchar") {
    national = true;
    w = w.substr(1);
  }
  if ((w == "char" || w == "character") && (p.accept("VARYING") || p.accept("VARCHAR"))) {
    w = "varchar";
  }
  if (national) {
    if (w != "char" && w != "character" && w != "varchar" && w != "varcharacter") {
      p.fail_at("expected CHAR or VARCHAR after NATIONAL", at);
    }
    c.charset = "utf8mb3";
  }
  if (w == "long") {
    if (p.accept("VARBINARY")) {
      c.type = "mediumblob";
    } else {
      if (p.accept("CHAR") || p.accept("CHARACTER")) {
        p.expect("VARYING");
      } else {
        p.accept("VARCHAR");
      }
      c.type = "mediumtext";
    }
    return;
  }
  static constexpr std::pair<std::string_view, std::string_view> kIntegers[] = {
      {"tinyint", "tinyint"},     {"smallint", "smallint"}, {"mediumint", "mediumint"},
      {"middleint", "mediumint"}, {"int", "int"},           {"integer", "int"},
      {"bigint", "bigint"},       {"int1", "tinyint"},      {"int2", "smallint"},
      {"int3", "mediumint"},      {"int4", "int"},          {"int8", "bigint"}};
  for (const auto& [word, type] : kIntegers) {
    if (w == word) {
      length(p);  // display width: no meaning for values
      c.type = std::string(type) + sign(p);
      return;
    }
  }
  static constexpr std::string_view kPlain[] = {"date",
                                                "json",
                                                "geometry",
                                                "point",
                                                "linestring",
                                                "polygon",
                                                "multipoint",
                                                "multipolygon",
                                                "multilinestring",
                                                "geometrycollection",
                                                "tinytext",
                                                "mediumtext",
                                                "longtext",
                                                "tinyblob",
                                                "mediumblob",
                                                "longblob",
                                                "uuid",
                                                "inet4",
                                                "inet6"};
  for (const std::string_view word : kPlain) {
    if (w == word) {
      c.type = w;
      return;
    }
  }
  if (w == "geomcollection") {
    c.type = "geometrycollection";
  } else if (w == "bool" || w == "boolean") {
    c.type = "tinyint";
  } else if (w == "serial") {
    c.type = "bigint unsigned";
    c.nullable = false;
    c.auto_increment = true;
  } else if (w == "bit") {
    c.type = with_length("bit", length(p).value_or(1));
  } else if (w == "float" || w == "float4") {
    const auto pr = precision(p);
    if (pr && pr->d) {
      c.type = "float(" + std::to_string(pr->m) + "," + std::to_string(*pr->d) + ")";
    } else {
      c.type = pr && pr->m > kFloatMaxPrecision ? "double" : "float";
    }
    c.type += sign(p);
  } else if (w == "double" || w == "float8" || w == "real") {
    if (w == "double") {
      p.accept("PRECISION");
    }
    const auto pr = precision(p);
    c.type = (w == "real" && p.mode().real_as_float) ? "float" : "double";
    if (pr) {
      c.type += "(" + std::to_string(pr->m) + "," + std::to_string(pr->d.value_or(0)) + ")";
    }
    c.type += sign(p);
  } else if (w == "decimal" || w == "dec" || w == "numeric" || w == "fixed") {
    const auto pr = precision(p);
    const uint64_t m = pr ? pr->m : kDefaultDecimalPrecision;
    const uint64_t d = pr ? pr->d.value_or(0) : 0;
    c.type = "decimal(" + std::to_string(m) + "," + std::to_string(d) + ")" + sign(p);
  } else if (w == "time" || w == "datetime" || w == "timestamp") {
    const uint64_t fsp = length(p).value_or(0);
    c.type = fsp == 0 ? w : with_length(w, fsp);
  } else if (w == "year") {
    length(p);
    c.type = "year";
  } else if (w == "char" || w == "character") {
    c.type = with_length("char", length(p).value_or(1));
  } else if (w == "varchar" || w == "varcharacter") {
    const auto n = length(p);
    if (!n) {
      p.fail("expected the length of VARCHAR column " + c.name);
    }
    c.type = with_length("varchar", *n);
  } else if (w == "binary") {
    c.type = with_length("binary", length(p).value_or(1));
  } else if (w == "varbinary") {
    const auto n = length(p);
    if (!n) {
      p.fail("expected the length of VARBINARY column " + c.name);
    }
    c.type = with_length("varbinary", *n);
  } else if (w == "text") {
    text_chars = length(p);
    c.type = "text";
  } else if (w == "blob") {
    const auto n = length(p);
    c.type = n ? sized_lob("blob", *n) : "blob";
  } else if (w == "enum" || w == "set") {
    c.type = labels(p, w);
  } else if (w == "vector") {
    const auto n = length(p);
    if (!n) {
      p.fail("expected the dimension of VECTOR column " + c.name);
    }
    c.type = with_length("vector", *n);
  } else {
    p.fail_at("unknown data type '" + std::string(at.text) + "' of column " + c.name, at);
  }
}

// What the charset does to the type: TEXT(M) sizes by bytes per character; CHARACTER SET
// binary makes character types binary ones (sql/sql_yacc.yy: "CHAR(n) CHARACTER SET binary" is
// BINARY(n)).
void finish_type(ColumnSpec& c, std::optional<uint64_t> text_chars) {
  if (text_chars) {
    c.type = sized_lob("text", *text_chars * max_bytes_per_char(c.charset));
  }
  if (c.charset != "binary") {
    return;
  }
  static constexpr std::pair<std::string_view, std::string_view> kToBinary[] = {
      {"char(", "binary("}, {"varchar(", "varbinary("},   {"tinytext", "tinyblob"},
      {"text", "blob"},     {"mediumtext", "mediumblob"}, {"longtext", "longblob"}};
  for (const auto& [from, to] : kToBinary) {
    if (c.type.rfind(from, 0) == 0 && (from.back() == '(' || c.type == from)) {
      c.type = std::string(to) + c.type.substr(from.size());
      c.charset.clear();
      return;
    }
  }
}

// ON UPDATE CURRENT_TIMESTAMP[(n)] / NOW([n]) / LOCALTIME[(n)] / LOCALTIMESTAMP[(n)].
std::string function_call(Parser& p) {
  const Token name = p.take();
  if (name.kind != TokenKind::Word) {
    p.fail_at("expected a function", name);
  }
  if (p.is_symbol("(")) {
    p.skip_parens();
  }
  return std::string(p.text(name.offset, p.last_end()));
}

void generation(Parser& p, ColumnSpec& c) {
  if (p.accept("ROW")) {
    if (p.accept("START")) {
      c.generated = Generated::RowStart;
    } else {
      p.expect("END");
      c.generated = Generated::RowEnd;
    }
    return;
  }
  if (!p.is_symbol("(")) {
    p.fail("expected the expression of generated column " + c.name);
  }
  c.expression = std::string(p.skip_parens());
  c.generated = Generated::Virtual;
}

// REFERENCES tbl [(cols)] [MATCH FULL|PARTIAL|SIMPLE] [ON DELETE|UPDATE action]...
void references(Parser& p) {
  p.table_name();
  if (p.is_symbol("(")) {
    p.skip_parens();
  }
  while (true) {
    if (p.accept("MATCH")) {
      p.name("FULL, PARTIAL or SIMPLE");
    } else if (p.accept("ON")) {
      if (!p.accept("DELETE")) {
        p.expect("UPDATE");
      }
      if (p.accept("SET") || p.accept("NO")) {
        p.name("NULL, DEFAULT or ACTION");
      } else if (!p.accept("RESTRICT") && !p.accept("CASCADE")) {
        p.fail("expected a referential action");
      }
    } else {
      return;
    }
  }
}

// CHECK (expr) [[NOT] ENFORCED]
void check(Parser& p) {
  if (!p.is_symbol("(")) {
    p.fail("expected the expression of a CHECK constraint");
  }
  p.skip_parens();
  p.accept("NOT", "ENFORCED");
  p.accept("ENFORCED");
}

// One column attribute; false at a token that ends the column.
bool attribute(Parser& p, ColumnSpec& c) {
  if (p.at_item_end() || p.is_word("FIRST") || p.is_word("AFTER") || p.is_word("PARTITION")) {
    return false;
  }
  const Token t = p.peek();
  if (t.kind != TokenKind::Word) {
    p.fail("unexpected text in the definition of column " + c.name);
  }
  if (p.accept("NOT")) {
    if (!p.accept("SECONDARY")) {
      p.expect("NULL");
      c.nullable = false;
      c.null_specified = true;
    }
  } else if (p.accept("NULL")) {
    c.nullable = true;
    c.null_specified = true;
  } else if (p.accept("DEFAULT")) {
    parse_default(p, c);
  } else if (p.accept("AUTO_INCREMENT")) {
    c.auto_increment = true;
  } else if (p.accept("UNIQUE")) {
    p.accept("KEY");
  } else if (p.accept("PRIMARY") || p.is_word("KEY")) {
    p.expect("KEY");  // a lone KEY in a column definition is PRIMARY KEY
    c.primary_key = true;
    c.nullable = false;
  } else if (p.accept("COMMENT")) {
    c.comment = p.string_literal("a quoted comment");
  } else if (p.accept("COLLATE")) {
    c.collation = p.option_name("a collation");
  } else if (p.accept("CHARSET") || p.accept("CHARACTER", "SET") || p.accept("CHAR", "SET")) {
    c.charset = p.option_name("a character set");
  } else if (p.accept("ASCII")) {
    c.charset = "latin1";
  } else if (p.accept("UNICODE")) {
    c.charset = "ucs2";
  } else if (p.accept("BYTE")) {
    c.charset = "binary";
  } else if (p.accept("BINARY")) {
    // the _bin collation of the column's charset: no change to the type
  } else if (p.accept("COLUMN_FORMAT") || p.accept("STORAGE") || p.accept("SRID")) {
    p.take();
  } else if (p.accept("ENGINE_ATTRIBUTE") || p.accept("SECONDARY_ENGINE_ATTRIBUTE")) {
    p.accept_symbol("=");
    p.string_literal("a quoted attribute");
  } else if (p.accept("REFERENCES")) {
    references(p);
  } else if (p.accept("CONSTRAINT")) {
    if (!p.is_word("CHECK")) {
      p.name("a constraint name");
    }
    p.expect("CHECK");
    check(p);
  } else if (p.accept("CHECK")) {
    check(p);
  } else if (p.accept("GENERATED")) {
    p.expect("ALWAYS");
    p.expect("AS");
    generation(p, c);
  } else if (p.accept("AS")) {
    generation(p, c);
  } else if (p.accept("VIRTUAL")) {
    c.generated = Generated::Virtual;
  } else if (p.accept("STORED") || p.accept("PERSISTENT")) {
    c.generated = Generated::Stored;
  } else if (p.accept("INVISIBLE")) {
    c.invisible = true;
  } else if (p.accept("VISIBLE")) {
    c.invisible = false;
  } else if (p.accept("ON")) {
    p.expect("UPDATE");
    c.on_update = function_call(p);
  } else if (p.accept("SERIAL")) {
    p.expect("DEFAULT");
    p.expect("VALUE");
    c.nullable = false;
    c.auto_increment = true;
  } else if (p.accept("COMPRESSED")) {
    if (p.accept_symbol("=")) {
      p.name("a compression method");
    }
  } else if (p.accept("WITH") || p.accept("WITHOUT")) {
    p.expect("SYSTEM");
    p.expect("VERSIONING");
  } else if (p.is_symbol("=", 1)) {
    p.take();  // MariaDB engine-defined attribute: name = value
    p.take();
    if (p.at_item_end()) {
      p.fail("expected the value of an attribute of column " + c.name);
    }
    p.take();
  } else {
    p.fail("unexpected '" + std::string(t.text) + "' in the definition of column " + c.name);
  }
  return true;
}

}  // namespace

ColumnSpec parse_column(Parser& p) {
  ColumnSpec c;
  c.name = p.name("a column name");
  std::optional<uint64_t> text_chars;
  parse_type(p, c, text_chars);
  while (attribute(p, c)) {
  }
  finish_type(c, text_chars);
  return c;
}

void parse_default(Parser& p, ColumnSpec& c) {
  c.default_value.clear();
  const Token t = p.peek();
  if (p.accept("NULL")) {
    c.default_kind = DefaultKind::Null;
    return;
  }
  if (p.accept("TRUE") || p.accept("FALSE")) {
    c.default_kind = DefaultKind::Number;
    c.default_value = iequals(t.text, "TRUE") ? "1" : "0";
    return;
  }
  const bool introducer =
      t.kind == TokenKind::Word && t.text.front() == '_' && p.peek(1).kind == TokenKind::String;
  const bool typed = (p.is_word("DATE") || p.is_word("TIME") || p.is_word("TIMESTAMP")) &&
                     p.peek(1).kind == TokenKind::String;
  const bool string = t.kind == TokenKind::String;
  if (introducer || typed || string) {
    if (introducer || typed) {
      p.take();
    }
    c.default_kind = DefaultKind::String;
    while (p.peek().kind == TokenKind::String) {  // 'a' 'b' is 'ab'
      c.default_value += string_value(p.take(), !p.mode().no_backslash_escapes);
    }
    return;
  }
  bool negative = false;
  bool signed_value = false;
  while (p.is_symbol("-") || p.is_symbol("+")) {
    negative ^= p.take().text == "-";
    signed_value = true;
  }
  const std::string signs = negative ? "-" : "";
  const Token v = p.peek();
  if (v.kind == TokenKind::Number) {
    p.take();
    const bool prefixed =
        v.text.size() > 1 && v.text[0] == '0' && (v.text[1] == 'x' || v.text[1] == 'b');
    c.default_kind = prefixed ? DefaultKind::Expression : DefaultKind::Number;
    c.default_value = signs + std::string(v.text);
    return;
  }
  if (signed_value) {
    p.fail("expected a number after the sign of a default value");
  }
  c.default_kind = DefaultKind::Expression;
  if (v.kind == TokenKind::HexString || v.kind == TokenKind::BitString) {
    c.default_value = p.take().text;
  } else if (p.is_symbol("(")) {
    p.skip_parens();
    c.default_value = p.text(v.offset, p.last_end());
  } else if (p.is_word("NEXT") || p.is_word("PREVIOUS")) {  // MariaDB sequences
    p.take();
    p.expect("VALUE");
    p.expect("FOR");
    p.table_name();
    c.default_value = p.text(v.offset, p.last_end());
  } else if (v.kind == TokenKind::Word) {
    c.default_value = function_call(p);
  } else {
    p.fail("expected a default value for column " + c.name);
  }
}

std::vector<std::string> parse_key_parts(Parser& p) {
  p.expect_symbol("(");
  std::vector<std::string> columns;
  do {
    if (p.is_symbol("(")) {
      p.skip_parens();  // functional key part
    } else {
      std::string column = p.name("a key column");
      if (p.is_symbol("(")) {
        p.skip_parens();  // prefix length
      }
      if (!p.accept("WITHOUT", "OVERLAPS")) {
        columns.push_back(std::move(column));
      }
    }
    if (!p.accept("ASC")) {
      p.accept("DESC");
    }
  } while (p.accept_symbol(","));
  p.expect_symbol(")");
  return columns;
}

Position parse_position(Parser& p) {
  Position pos;
  if (p.accept("FIRST")) {
    pos.kind = Position::Kind::First;
  } else if (p.accept("AFTER")) {
    pos.kind = Position::Kind::After;
    pos.after = p.name("a column name after AFTER");
  }
  return pos;
}

}  // namespace starcdc::mysql::ddl
