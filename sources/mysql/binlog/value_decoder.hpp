// ValueDecoder: one column value of a row image → starcdc::Value, exactly (decimals as text,
// temporals as integers, strings converted to UTF-8). Values that need new bytes (decimal text,
// converted strings, JSON, WKT, padded BINARY, SET names) are written to the arena; all others
// are views into the event bytes. Thread: pipeline.
//
// Value mapping: TINY..LONGLONG → Int, or UInt when SIGNEDNESS says unsigned; FLOAT/DOUBLE →
// Double; NEWDECIMAL → Decimal text; YEAR → Int (0 or 1901..2155); DATE → Date (days);
// TIME/TIME2 → Time (signed µs, scale = fsp); DATETIME/DATETIME2 → DateTime (µs, no zone);
// TIMESTAMP/TIMESTAMP2 → Timestamp (UTC µs); CHAR/VARCHAR/TEXT → String (Bytes when the
// collation is binary; a TEXT/BLOB without charset metadata is Bytes, a CHAR/VARCHAR String);
// ENUM → String label (UInt index without labels; index 0 is ""); SET → String of comma-joined
// labels (UInt mask without labels); BIT → UInt; JSON → Json text; GEOMETRY → String WKT;
// VECTOR → Bytes (float32 little-endian).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "pipeline/common/arena.hpp"
#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/model/value.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/decoder_options.hpp"
#include "sources/mysql/binlog/table_map.hpp"

namespace starcdc::mysql::binlog {

// A zero date under ZeroDatePolicy::Epoch: 1970-01-01 (00:00:00) as the column's kind.
Value epoch_date(const ColumnDef& c);

class ValueDecoder {
 public:
  ValueDecoder(const DecoderOptions& options, Arena& arena) : options_(options), arena_(arena) {}

  // Decodes the non-NULL value of column `index` of `table` from `r`; throws Error(Data)
  // naming the column when the bytes are malformed or the value cannot be represented.
  Value decode(const TableMap& table, size_t index, ByteReader& r);
  // The raw bytes of a length-prefixed value (BLOB, JSON, GEOMETRY) without interpreting them.
  static std::span<const uint8_t> read_prefixed(const ColumnDef& c, ByteReader& r);
  // Renders a binary JSON document into the arena.
  Value json_value(std::span<const uint8_t> doc);
  // Copies the scratch buffer's text into the arena as a value of `kind`.
  Value arena_text(ValueKind kind, std::string_view s);

 private:
  Value text(const TableMap& t, size_t index, std::span<const uint8_t> bytes, bool fixed);
  Value zero_date(const TableMap& t, size_t index, std::string_view text);
  Value date(const TableMap& t, size_t index, uint32_t y, uint32_t m, uint32_t d, int64_t micros,
             ValueKind kind, int fsp);
  Value set_labels(const ColumnDef& c, uint64_t mask, const TableMap& t, size_t index);

  const DecoderOptions& options_;
  Arena& arena_;
  ByteBuffer scratch_;
};

// "db.table.column" (or "db.table.#3" without column names), for messages.
std::string column_where(const TableMap& t, size_t index);

}  // namespace starcdc::mysql::binlog
