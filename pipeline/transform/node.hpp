// The compiled form of an expression, shared by program.cpp (names, operators, CASE, CAST) and
// functions.cpp (the function library). Internal to pipeline/transform.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "pipeline/transform/program.hpp"

namespace starcdc::transform {

struct Node {
  using Fn = Value (*)(const Node&, RowContext&);
  Fn fn = nullptr;
  TypeInfo type;
  std::vector<Node> args;
  std::string text;  // literal text, CAST type, function name, format
  Value constant;    // literal numbers (text literals are built from `text` when evaluated)
  int64_t aux = 0;   // column index, operator, unit
  bool flag = false;
};

inline Value eval(const Node& n, RowContext& c) { return n.fn(n, c); }

inline bool is_numeric(Type t) {
  return t == Type::Bool || t == Type::Int || t == Type::UInt || t == Type::Double ||
         t == Type::Decimal;
}
// A decimal precision within 1..38.
inline uint8_t cap(int n) { return static_cast<uint8_t>(std::clamp(n, 1, 38)); }

inline bool is_textual(Type t) { return t == Type::String || t == Type::Json || t == Type::Bytes; }
inline bool is_temporal(Type t) {
  return t == Type::Date || t == Type::DateTime || t == Type::Timestamp;
}

class Compiler {
 public:
  Compiler(const TableSchema& input, const Aliases& aliases, std::string_view what)
      : input_(input), aliases_(aliases), what_(what) {}

  Node compile(const Expr& e);
  [[noreturn]] void fail(const Expr& at, const std::string& message) const;
  // Makes `a` and `b` comparable, turning a text literal facing a number or a temporal into
  // one; fails with `what` when they cannot be compared.
  void make_comparable(const Expr& at, Node& a, Node& b, const char* what) const;
  // The type CASE/COALESCE/IF/NULLIF give to branches of types `a` and `b`.
  TypeInfo common(const Expr& at, const TypeInfo& a, const TypeInfo& b) const;
  // Wraps `n` in a CAST to `to` (no-op when it has that type already).
  static Node convert(Node n, const TypeInfo& to);

  std::vector<uint16_t> inputs;

 private:
  Node name(const Expr& e);
  Node literal(const Expr& e) const;
  Node binary(const Expr& e);
  Node arithmetic(const Expr& e, Node a, Node b);
  Node cast(const Expr& e);

  const TableSchema& input_;
  const Aliases& aliases_;
  std::string_view what_;
  std::set<std::string, std::less<>> expanding_;
};

// The function library (functions.cpp): `e` is a Call with its arguments compiled.
Node compile_call(Compiler& c, const Expr& e, std::vector<Node> args);

}  // namespace starcdc::transform
