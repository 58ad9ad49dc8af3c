// Text result sets of COM_QUERY: column definitions (Protocol::ColumnDefinition41) and rows of
// length-encoded strings or NULL. Parsing only; Connection reads the packets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

struct ColumnDefinition {
  std::string schema;
  std::string table;      // alias
  std::string org_table;  // physical table
  std::string name;       // alias, as SHOW / SELECT label it
  std::string org_name;
  uint16_t charset = 0;
  uint32_t length = 0;
  uint8_t type = 0;  // MYSQL_TYPE_* of the column
  uint16_t flags = 0;
  uint8_t decimals = 0;
};

using Row = std::vector<std::optional<std::string>>;

struct ResultSet {
  std::vector<ColumnDefinition> columns;
  std::vector<Row> rows;
  OkPacket ok;  // for a statement without rows (SET, INSERT): affected rows etc.

  // Index of the column named `name` (case-insensitive, like MySQL column labels).
  std::optional<size_t> column_index(std::string_view name) const;
  // The value at (row, column named `name`); nullopt when NULL or no such column.
  std::optional<std::string> value(size_t row, std::string_view name) const;
};

ColumnDefinition parse_column_definition(ByteView payload);
// A text row of `columns` fields; 0xFB is NULL.
Row parse_text_row(ByteView payload, size_t columns);

}  // namespace starcdc::mysql::protocol
