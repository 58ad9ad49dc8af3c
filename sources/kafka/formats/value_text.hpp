// Text forms of column values as the Kafka formats write them: integers, decimals, dates and
// times, base64; and the MySQL type names that say which form a column has. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/model/value.hpp"

namespace starcdc::kafka {

// How a column's values are read, from its declared MySQL type.
enum class TypeClass : uint8_t {
  Any,        // no declared type: the JSON type decides
  Bool,       // boolean / bool
  Int,        // integer types, year (text or number; above int64 → UInt)
  Double,     // float, double, real
  Decimal,    // decimal, numeric: the exact text
  String,     // char, varchar, text, enum
  Bytes,      // binary, varbinary, blob (how the text encodes bytes is the format's business)
  Date,       // YYYY-MM-DD
  Time,       // [-]H:MM:SS[.ffffff]
  DateTime,   // YYYY-MM-DD hh:mm:ss[.ffffff], no time zone
  Timestamp,  // the same, UTC unless the text carries an offset
  Json,       // JSON text
  Bits,       // bit(n): an unsigned number
  Set,        // set(...): text "a,b" or (Maxwell) an array of strings
};

struct ColumnType {
  TypeClass cls = TypeClass::Any;
  uint8_t scale = 0;  // fractional second digits of Time/DateTime/Timestamp
};

// "decimal(12,2)", "bigint(20) unsigned", "datetime(3)", "VARCHAR(255)"... Unknown → Any.
ColumnType classify_mysql_type(std::string_view declared);

// Integer text (optional '-', digits): Int when it fits int64, UInt when it fits uint64.
bool parse_integer(std::string_view s, Value& out);
// A JSON-style number (or the same as text): integers as parse_integer, others as Double.
bool parse_number(std::string_view s, Value& out);
bool parse_double(std::string_view s, double& out);
// [-+]digits[.digits][e[-+]digits] (a plain decimal; exponents accepted as JSON writes them).
bool is_decimal_text(std::string_view s);

enum class TemporalParse : uint8_t { Ok, Zero, Bad };
// YYYY-MM-DD → days since 1970-01-01. "0000-00-00" and partial zero dates give Zero.
TemporalParse parse_date(std::string_view s, int64_t& days);
// YYYY-MM-DD[( |T)hh:mm:ss[.f{1,9}]][Z|(+|-)hh[:mm]] → microseconds since the epoch (the
// offset, when present, is applied so the result is UTC); scale = the fraction digits (≤ 6).
TemporalParse parse_datetime(std::string_view s, int64_t& micros, uint8_t& scale);
// [-]H{1,3}:MM:SS[.f{1,9}] → signed microseconds.
bool parse_time(std::string_view s, int64_t& micros, uint8_t& scale);

// Standard base64 (with or without padding). Writes at most base64_max_decoded(in) bytes.
size_t base64_max_decoded(std::string_view in);
bool base64_decode(std::string_view in, char* out, size_t& written);

// Big-endian two's complement integer `bytes` scaled by 10^-scale, as decimal text ("-12.50").
void unscaled_to_decimal(std::string_view bytes, int32_t scale, std::string& out);

}  // namespace starcdc::kafka
