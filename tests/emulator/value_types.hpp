// Column types and StarRocks' value conversion rules for loaded data: what text is accepted for
// each type, its canonical stored form, and how stored values compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

enum class TypeKind : uint8_t {
  kBoolean, kTinyint, kSmallint, kInt, kBigint, kLargeint, kFloat, kDouble, kDecimal,
  kChar, kVarchar, kString, kDate, kDatetime, kJson, kVarbinary
};

struct ColumnType {
  TypeKind kind = TypeKind::kInt;
  int length = -1;     // CHAR/VARCHAR/VARBINARY bytes; -1 = not given
  int precision = 0;   // DECIMAL
  int scale = 0;       // DECIMAL

  // SQL text as SHOW CREATE TABLE prints it, e.g. "varchar(20)", "decimal(10, 2)".
  std::string to_sql() const;
  // information_schema.COLUMNS.DATA_TYPE (BOOLEAN reports "tinyint", as StarRocks does).
  std::string data_type_name() const;
  bool is_integer() const;
  bool is_numeric() const;
  bool is_string() const;
};

// Parses a SQL type such as "VARCHAR(20)", "decimal(10,2)", "BIGINT UNSIGNED" (not allowed),
// "STRING", "DATETIME". Returns nullopt with *error set on an unknown type.
std::optional<ColumnType> parse_column_type(std::string_view text, std::string* error);

enum class ConvertStatus : uint8_t { kOk, kInvalid, kTooLong };

// Converts one loaded field to the column type. With out == nullptr only validates (no
// allocation, the discard path). Rules follow StarRocks' cast from string: integers must be
// plain decimal integers in range, DECIMAL rounds extra fraction digits half-up and fails on
// integer-digit overflow, dates/datetimes must be real calendar values, strings longer than the
// declared byte length are rejected (kTooLong).
ConvertStatus convert_value(const ColumnType& type, std::string_view in, std::string* out);

// Compares two canonical stored values of one type (numbers numerically, others bytewise).
int compare_values(const ColumnType& type, std::string_view a, std::string_view b);

// Appends an order-preserving binary encoding of a canonical value (for primary-key maps).
void append_key_encoding(const ColumnType& type, std::string_view value, std::string* out);

// True if the canonical value is rendered as a JSON number in dumps.
bool renders_as_json_number(const ColumnType& type);

}  // namespace emu
