// The transform rules' expression language: a small SQL subset, parsed once when the pipeline
// loads. `projection` is a select list (`*`, columns, `expr AS name`), `filter` a WHERE
// condition. The grammar, from loosest to tightest binding:
//
//   expr     := or
//   or       := and (OR and)*
//   and      := not (AND not)*
//   not      := NOT not | pred
//   pred     := concat [ cmp concat | IS [NOT] NULL | [NOT] BETWEEN concat AND concat
//                      | [NOT] IN (expr, ...) | [NOT] LIKE concat ]
//   concat   := add (|| add)*
//   add      := mul ((+|-) mul)*
//   mul      := unary ((*|/|%) unary)*
//   unary    := - unary | primary
//   primary  := literal | name | `quoted name` | name(args) | CAST(expr AS type)
//             | TRY_CAST(expr AS type) | CASE [expr] WHEN .. THEN .. [ELSE ..] END | (expr)
//
// Keywords and function names are case-insensitive; column names are matched as written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/common/result.hpp"

namespace starcdc::transform {

struct Expr {
  enum class Kind : uint8_t {
    Literal,  // text = the literal; literal says which kind
    Name,     // text = a column or metadata column name
    Unary,    // text = "-" or "NOT"; args[0]
    Binary,   // text = the operator (+ - * / % || = <> < <= > >= AND OR); args[0], args[1]
    Call,     // text = the function name, upper case; args
    Cast,     // text = the target type as written (upper case); args[0]; try_cast
    IsNull,   // args[0]; negated = IS NOT NULL
    Between,  // args[0] BETWEEN args[1] AND args[2]; negated
    In,       // args[0] IN (args[1..]); negated
    Like,     // args[0] LIKE args[1]; negated
    Case,     // args = when0, then0, when1, then1, ..., [else]; has_else. A simple CASE x
              // WHEN v is rewritten to CASE WHEN x = v.
  };
  enum class Literal : uint8_t { Null, Bool, Integer, Decimal, Double, String };

  Kind kind = Kind::Literal;
  Literal literal = Literal::Null;
  bool negated = false;
  bool try_cast = false;
  bool has_else = false;
  std::string text;
  std::vector<Expr> args;
  size_t offset = 0;  // where it starts in the rule's text (0-based)
};

struct ProjectionItem {
  bool star = false;  // `*` (written `\*` when it starts the text, as Flink CDC asks)
  Expr expr;
  std::string alias;  // AS name; empty for a bare column (it keeps its name)
  size_t offset = 0;
};

// Errors are Error(Config) whose text names the character position, e.g. "at character 14:
// expected ')'". `what` names the text in messages ("projection", "filter").
Result<std::vector<ProjectionItem>> parse_projection(std::string_view text);
Result<Expr> parse_expression(std::string_view text, std::string_view what);

// The expression written back as text (for messages and tests), e.g. "(a + 1)".
std::string to_string(const Expr& e);

}  // namespace starcdc::transform
