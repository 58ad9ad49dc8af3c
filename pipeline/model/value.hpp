// Value: one decoded column value. 16 bytes plus the kind, no heap: strings, decimals, JSON and
// blobs are views into the buffer that holds the event and are valid only during the call that
// hands the event over; whoever keeps them copies them (the encoder into its load buffer).
#pragma once

#include <cstdint>
#include <string_view>

namespace starcdc {

class ByteBuffer;

enum class ValueKind : uint8_t {
  Null,
  Bool,
  Int,        // signed integer
  UInt,       // unsigned integer
  Double,     // FLOAT and DOUBLE
  Decimal,    // exact decimal as text, e.g. "-12.50" (never through double)
  String,     // UTF-8 text
  Bytes,      // binary
  Date,       // days since 1970-01-01 (proleptic Gregorian)
  Time,       // signed microseconds (MySQL TIME range)
  DateTime,   // microseconds since 1970-01-01 00:00:00, no time zone
  Timestamp,  // microseconds since the Unix epoch, UTC
  Json,       // JSON text
};

struct Value {
  ValueKind kind = ValueKind::Null;
  uint8_t scale = 0;  // fractional digits for Time/DateTime/Timestamp
  uint32_t size = 0;  // length of the view for Decimal/String/Bytes/Json
  union {
    int64_t i;
    uint64_t u;
    double d;
    const char* p;
  };

  Value() : i(0) {}
  static Value null() { return Value(); }
  static Value boolean(bool b) {
    Value v;
    v.kind = ValueKind::Bool;
    v.i = b ? 1 : 0;
    return v;
  }
  static Value int64(int64_t x) {
    Value v;
    v.kind = ValueKind::Int;
    v.i = x;
    return v;
  }
  static Value uint64(uint64_t x) {
    Value v;
    v.kind = ValueKind::UInt;
    v.u = x;
    return v;
  }
  static Value float64(double x) {
    Value v;
    v.kind = ValueKind::Double;
    v.d = x;
    return v;
  }
  static Value view(ValueKind kind, std::string_view s) {
    Value v;
    v.kind = kind;
    v.p = s.data();
    v.size = static_cast<uint32_t>(s.size());
    return v;
  }
  static Value string(std::string_view s) { return view(ValueKind::String, s); }
  static Value decimal(std::string_view s) { return view(ValueKind::Decimal, s); }
  static Value temporal(ValueKind kind, int64_t x, uint8_t scale) {
    Value v;
    v.kind = kind;
    v.i = x;
    v.scale = scale;
    return v;
  }

  bool is_null() const { return kind == ValueKind::Null; }
  std::string_view text() const { return {p, size}; }
};

// Same kind and same content (text compared by bytes, temporal values with their scale).
bool same_value(const Value& a, const Value& b);

// Appends the canonical text of a Date/Time/DateTime/Timestamp value:
// 2026-11-24, -838:59:59.000000, 2026-11-24 09:12:03.517 (scale digits of fraction).
void append_temporal_text(const Value& v, ByteBuffer& out);
// Appends `v` as a JSON value (strings quoted and escaped, NULL as null, bytes as base64 text).
void append_json_value(const Value& v, ByteBuffer& out);

}  // namespace starcdc
