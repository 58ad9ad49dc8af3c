// MySQL binary JSON (sql-common/json_binary.h) → compact JSON text ({"a":1,"b":[true,null]}),
// keys in stored order (MySQL sorts them by length, then bytes). Opaque values: DECIMAL as a
// number, DATE/TIME/DATETIME/TIMESTAMP as strings ("2015-01-15 23:24:25.000000", six fractional
// digits, as MySQL prints them), any other opaque type as "base64:type<N>:<base64>" (MySQL's
// text form). Integral doubles keep a ".0". Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <span>

namespace starcdc {
class ByteBuffer;
}

namespace starcdc::mysql::binlog {

// Binary JSON value types (json_binary.h JSONB_TYPE_*).
enum class JsonType : uint8_t {
  SmallObject = 0x00,
  LargeObject = 0x01,
  SmallArray = 0x02,
  LargeArray = 0x03,
  Literal = 0x04,
  Int16 = 0x05,
  UInt16 = 0x06,
  Int32 = 0x07,
  UInt32 = 0x08,
  Int64 = 0x09,
  UInt64 = 0x0A,
  Double = 0x0B,
  String = 0x0C,
  Opaque = 0x0F,
};

// Appends the text of a whole document (type byte, then the value). An empty document (what
// MySQL stores for some invalid inserts) is JSON null. Throws Error(Data) when malformed.
void append_json_document(std::span<const uint8_t> doc, ByteBuffer& out);
// Appends the text of a value of `type` whose bytes start at data[0] (no type byte).
void append_json_value(uint8_t type, std::span<const uint8_t> data, ByteBuffer& out);
// Reads JSON's variable-length integer (7 bits a byte, low bits first, at most 5 bytes).
// Returns false when malformed; advances `pos`.
bool read_json_varint(std::span<const uint8_t> data, size_t& pos, uint32_t& value);

}  // namespace starcdc::mysql::binlog
