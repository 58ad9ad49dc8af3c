// Column type codes as they appear in TABLE_MAP_EVENT (enum_field_types, MySQL
// include/field_types.h; MariaDB the same numbering). Thread: any (constants only).
#pragma once

#include <cstdint>

namespace starcdc::mysql::binlog {

enum class ColumnType : uint8_t {
  Decimal = 0,  // pre-5.0 DECIMAL, never written by current servers
  Tiny = 1,
  Short = 2,
  Long = 3,
  Float = 4,
  Double = 5,
  Null = 6,
  Timestamp = 7,  // pre-5.6 TIMESTAMP: 4-byte seconds
  LongLong = 8,
  Int24 = 9,
  Date = 10,
  Time = 11,      // pre-5.6 TIME: 3-byte HHMMSS
  DateTime = 12,  // pre-5.6 DATETIME: 8-byte YYYYMMDDhhmmss
  Year = 13,
  NewDate = 14,
  VarChar = 15,
  Bit = 16,
  Timestamp2 = 17,
  DateTime2 = 18,
  Time2 = 19,
  TypedArray = 20,
  Vector = 242,  // MySQL 9
  Json = 245,
  NewDecimal = 246,
  Enum = 247,
  Set = 248,
  TinyBlob = 249,
  MediumBlob = 250,
  LongBlob = 251,
  Blob = 252,
  VarString = 253,
  String = 254,
  Geometry = 255,
};

const char* column_type_name(ColumnType t);

// Numeric columns count for the SIGNEDNESS optional metadata (YEAR included).
bool is_numeric_column(ColumnType t);

}  // namespace starcdc::mysql::binlog
