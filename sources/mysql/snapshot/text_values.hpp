// Text-protocol values of a snapshot SELECT → the very same starcdc::Value the binlog decoder
// (binlog::ValueDecoder) produces for the column: same kinds, scales and texts, so a row looks
// identical whether it came from the snapshot or from the binlog.
//
// The reading connection must run with the utf8mb4 client character set (the default collation
// of ConnectOptions) and `time_zone = '+00:00'`, so character columns arrive as UTF-8 and
// TIMESTAMP text is UTC. Columns are selected as select_expression() says: most as they are;
// FLOAT as `col` + 0e0, because MariaDB prints a FLOAT with 6 significant digits (3.14159 for
// the stored 3.1415927) and the double sum prints the stored float exactly; an ENUM/SET column
// described without labels (a binlog ColumnDef from MINIMAL row metadata) as `col` + 0, the UInt
// index/mask the binlog decoder gives for it. GEOMETRY arrives as the server's internal SRID +
// WKB bytes and is converted to WKT here, like the binlog path does (no ST_AsText() needed).
//
// Values are views into the row's packet or into the arena (WKT), valid until the next row;
// the caller resets the arena per row. Thread: the reader's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/common/arena.hpp"
#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/model/value.hpp"
#include "sources/mysql/binlog/decoder_options.hpp"
#include "sources/mysql/binlog/table_map.hpp"

namespace starcdc::mysql::snapshot {

// A column as information_schema.COLUMNS describes it: COLUMN_NAME and COLUMN_TYPE as MySQL and
// MariaDB print it ("int(10) unsigned", "decimal(12,4)", "datetime(6)", "binary(4)",
// "enum('a','it''s')", "bit(10)", "point"). Fills type, decode kind, signedness, precision and
// scale, byte length (BINARY) or bits (BIT), Binary or UTF-8 charset, and ENUM/SET labels.
// Throws Error(Data) for a type the snapshot cannot read (MariaDB UUID, INET4, INET6 so far).
binlog::ColumnDef column_from_information_schema(std::string_view name,
                                                 std::string_view column_type);

// The SELECT expression for column `c` (named c.name) whose text decode() reads back exactly.
std::string select_expression(const binlog::ColumnDef& c);

class TextValueDecoder {
 public:
  TextValueDecoder(const binlog::DecoderOptions& options, Arena& arena)
      : options_(options), arena_(arena) {}

  // The value of column `index` of `table` from its text field (nullopt = SQL NULL). Zero and
  // invalid dates follow options.zero_dates as in the binlog path. Throws Error(Data) naming
  // the column when the text is not what the server sends for the type.
  Value decode(const binlog::TableMap& table, size_t index, std::optional<std::string_view> field);

 private:
  Value temporal(const binlog::TableMap& t, size_t index, std::string_view s);
  Value zero_date(const binlog::TableMap& t, size_t index, std::string_view text);

  const binlog::DecoderOptions& options_;
  Arena& arena_;
  ByteBuffer scratch_;
};

}  // namespace starcdc::mysql::snapshot
