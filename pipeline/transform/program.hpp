// Compiled transform expressions. An Expr (expression.hpp) is compiled once per input schema
// version into a tree of typed nodes whose column references are indexes; a row is then
// evaluated without lookups, and text it produces lives in the row's Arena. Thread: pipeline.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pipeline/common/arena.hpp"
#include "pipeline/common/result.hpp"
#include "pipeline/model/change_event.hpp"
#include "pipeline/transform/expression.hpp"

namespace starcdc::transform {

enum class Type : uint8_t {
  Null,  // the NULL literal: takes the type of what it meets
  Bool,
  Int,
  UInt,
  Double,
  Decimal,
  String,
  Bytes,
  Date,
  Time,
  DateTime,
  Timestamp,
  Json,
};

struct TypeInfo {
  Type type = Type::Null;
  uint8_t precision = 0;  // Decimal; for Int, the digits its type holds (0: 19)
  uint8_t scale = 0;      // Decimal; fraction digits of Time/DateTime/Timestamp
  uint32_t length = 0;    // String: at most this many characters (0 = unknown)
};

// The value type of a source column ("decimal(12,2)" → Decimal 12,2).
TypeInfo type_of(const Column& column);
// The column type declared downstream for a computed value, in the sources' vocabulary
// ("bigint", "decimal(14,2)", "varchar(20)", "datetime(3)", "longtext").
std::string column_type(const TypeInfo& t);
const char* type_name(Type t);

// What an expression is evaluated against: one row image and the event's metadata.
struct RowContext {
  std::span<const Value> values;
  ColumnMask present;
  const TableId* table = nullptr;
  std::string_view event_type;  // +I, -U, +U, -D
  int64_t op_ts_ms = 0;         // source commit time
  int64_t now_us = 0;           // processing time (NOW()): 0 = read the clock when needed
  Arena* arena = nullptr;
};

struct Node;
class Compiled;

// Names a filter may use besides the input columns: the projection's computed columns.
using Aliases = std::map<std::string, const Expr*, std::less<>>;

class Compiled {
 public:
  Compiled();
  Compiled(Compiled&&) noexcept;
  Compiled& operator=(Compiled&&) noexcept;
  ~Compiled();

  // Evaluates the expression; a failed CAST, an overflow or a bad date format throws
  // Error(Data) saying which.
  Value eval(RowContext& ctx) const;
  const TypeInfo& type() const;
  // The input column it reads as it is, or -1 when it computes something.
  int column() const { return column_; }
  // The input columns it reads (a row image lacking one of them cannot give its value).
  const std::vector<uint16_t>& inputs() const { return inputs_; }

 private:
  friend Result<Compiled> compile(const Expr& e, const TableSchema& input, const Aliases& aliases,
                                  std::string_view what);
  std::unique_ptr<Node> root_;
  int column_ = -1;
  std::vector<uint16_t> inputs_;
};

// Compiles `e` against `input`. Errors are Error(Config): an unknown column or function, wrong
// argument count or types, with the character position in the rule's text.
Result<Compiled> compile(const Expr& e, const TableSchema& input, const Aliases& aliases,
                         std::string_view what);

// Metadata columns every expression may read.
inline constexpr std::string_view kNamespaceName = "__namespace_name__";
inline constexpr std::string_view kSchemaName = "__schema_name__";
inline constexpr std::string_view kTableName = "__table_name__";
inline constexpr std::string_view kEventType = "__data_event_type__";
inline constexpr std::string_view kOpTs = "op_ts";

}  // namespace starcdc::transform
