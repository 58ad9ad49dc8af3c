// TableMap: one TABLE_MAP_EVENT with all its optional metadata (signedness, charsets, names,
// ENUM/SET labels, geometry types, primary key, visibility): what the source needs to build a
// TableSchema and what the row decoder needs per column. Thread: pipeline.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pipeline/model/table_id.hpp"
#include "sources/mysql/binlog/charset.hpp"
#include "sources/mysql/binlog/column_type.hpp"
#include "sources/mysql/binlog/event_header.hpp"

namespace starcdc::mysql::binlog {

// How the row decoder reads a column, derived once from type and metadata.
enum class DecodeKind : uint8_t {
  Int8,
  Int16,
  Int24,
  Int32,
  Int64,
  Float,
  Double,
  NewDecimal,
  Year,
  Date,
  Time,  // old 3-byte TIME
  Time2,
  DateTime,  // old 8-byte DATETIME
  DateTime2,
  Timestamp,  // old 4-byte TIMESTAMP
  Timestamp2,
  VarString,  // VARCHAR / VAR_STRING / CHAR / BINARY: 1- or 2-byte length prefix
  Blob,       // BLOB / TEXT: 1..4-byte length prefix
  Enum,
  Set,
  Bit,
  Json,  // MySQL binary JSON
  Geometry,
  Vector,  // MySQL 9 VECTOR: float32 array, passed as bytes
  Null,
  Unsupported,  // old DECIMAL and codes this library does not know
};

inline constexpr uint8_t kGeometryUnknown = 0xFF;

struct ColumnDef {
  ColumnType type = ColumnType::Null;       // as written in TABLE_MAP
  ColumnType real_type = ColumnType::Null;  // STRING's real type (STRING, ENUM, SET), else type
  DecodeKind kind = DecodeKind::Unsupported;
  uint16_t meta = 0;  // raw metadata as read (VARCHAR/BIT little-endian; others byte0<<8|byte1)
  uint32_t max_bytes = 0;    // strings: declared byte length; BIT: bits; ENUM/SET: pack bytes
  uint8_t length_bytes = 0;  // size of the length prefix (strings, blobs, JSON, geometry)
  uint8_t precision = 0;     // NEWDECIMAL
  uint8_t scale = 0;         // NEWDECIMAL scale, or the fractional-second precision of temporals
  bool nullable = true;
  bool is_unsigned = false;
  bool visible = true;
  uint32_t collation = 0;  // 0 = not in the metadata
  Charset charset = Charset::Unknown;
  uint8_t geometry_type = kGeometryUnknown;  // 0 GEOMETRY, 1 POINT, ... 7 GEOMETRYCOLLECTION
  std::string name;                          // empty without FULL metadata
  std::vector<std::string> labels;           // ENUM/SET labels, UTF-8, empty without FULL metadata

  bool is_binary() const { return charset == Charset::Binary; }
  // Character columns count for the charset metadata (CHAR, VARCHAR, TEXT/BLOB; on MariaDB also
  // GEOMETRY).
  bool is_character(Flavor flavor) const;
  bool is_enum_or_set() const {
    return real_type == ColumnType::Enum || real_type == ColumnType::Set;
  }
};

// Which optional metadata fields the event carried (binlog_row_metadata MINIMAL sends the first
// two, FULL all that apply).
struct MetadataPresent {
  bool signedness = false;
  bool charsets = false;
  bool names = false;
  bool enum_labels = false;
  bool set_labels = false;
  bool geometry_types = false;
  bool primary_key = false;
  bool enum_set_charsets = false;
  bool visibility = false;
};

struct TableMap {
  uint64_t table_id = 0;
  uint16_t flags =
      0;  // TM_BIT_LEN_EXACT_F 0x1, TM_REFERRED_FK_DB_F 0x2, generated invisible PK 0x4
  std::string database;
  std::string table;
  std::vector<ColumnDef> columns;
  std::vector<uint16_t> primary_key;         // column indexes in key order
  std::vector<uint32_t> primary_key_prefix;  // per key part: prefix length, 0 = whole column
  MetadataPresent present;
  uint16_t json_columns = 0;  // number of JSON columns (PARTIAL_UPDATE_ROWS bitmaps)
  std::vector<uint8_t> raw;   // the event body (post-header on), to spot unchanged re-sends

  TableId id() const { return TableId{database, table}; }
  bool has_generated_invisible_pk() const { return (flags & 0x4) != 0; }
};

// Parses a TABLE_MAP_EVENT body: `body` starts after the 19-byte header and excludes the
// checksum. ENUM/SET labels are converted to UTF-8 from their charset. Throws Error(Data).
void parse_table_map(std::span<const uint8_t> body, const FormatDescription& fd, TableMap& out);

// Re-derives charset and decode kind after collations were set by hand (see
// EventDecoder::set_column_collations).
void refresh_column(ColumnDef& c, Flavor flavor);

// The column's type as MySQL would declare it, from what the binlog tells: "int unsigned",
// "varchar(64)" (characters when the charset is known, else bytes), "decimal(12,2)",
// "datetime(3)", "enum('a','b')", "longtext", "point". Lengths of TEXT/BLOB come from their
// length-prefix size.
std::string column_sql_type(const ColumnDef& c);

}  // namespace starcdc::mysql::binlog
