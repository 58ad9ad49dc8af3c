// What a Debezium change event's Kafka Connect schema says about the row's columns: their
// Connect types, semantic names (io.debezium.time.*, Decimal...) and the MySQL types they came
// from. Interpreted once per distinct schema text and cached by the decoder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/model/table_schema.hpp"
#include "sources/kafka/formats/json_tape.hpp"

namespace starcdc::kafka {

// How one column's values are written in the payload.
enum class DbzKind : uint8_t {
  Bool,
  Int,         // int8..int64 (also io.debezium.time.Year)
  Float,       // float32, float64
  String,      // string (also Enum, EnumSet and names we do not know)
  Bytes,       // bytes: base64
  Json,        // io.debezium.data.Json: a string holding JSON
  Date,        // io.debezium.time.Date, org.apache.kafka.connect.data.Date: days (int32)
  TimeMillis,  // io.debezium.time.Time, org.apache.kafka.connect.data.Time
  TimeMicros,  // io.debezium.time.MicroTime
  TimeNanos,   // io.debezium.time.NanoTime
  TsMillis,    // io.debezium.time.Timestamp, org.apache.kafka.connect.data.Timestamp
  TsMicros,    // io.debezium.time.MicroTimestamp
  TsNanos,     // io.debezium.time.NanoTimestamp
  Zoned,       // io.debezium.time.ZonedTimestamp: ISO-8601 text with offset
  Decimal,     // org.apache.kafka.connect.data.Decimal: base64 unscaled bytes + `scale`
  VarDecimal,  // io.debezium.data.VariableScaleDecimal: {"scale": n, "value": base64}
  Bits,        // io.debezium.data.Bits: base64 little-endian bytes
  Struct,      // struct, array, map (geometry...): JSON text
};

struct DbzField {
  std::string name;
  DbzKind kind = DbzKind::String;
  int32_t scale = 0;     // Decimal scale
  uint8_t fraction = 0;  // fractional second digits of temporal values
};

struct DbzSchema {
  std::vector<Column> declared;  // the row's columns with MySQL types
  std::vector<DbzField> fields;  // in the same order
  std::unordered_map<std::string_view, uint32_t> by_name;
};

// Reads the Connect schema at node `root` of `tape` (the envelope's schema, or a row schema
// directly). On bad input returns false with `error` naming the place.
bool read_debezium_schema(const JsonTape& tape, uint32_t root, DbzSchema& out, std::string& error);

// Names of the fields of a key schema (a struct); false when it is not one.
bool read_key_schema(const JsonTape& tape, uint32_t root, std::vector<std::string>& names);

}  // namespace starcdc::kafka
