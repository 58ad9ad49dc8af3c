// ResultStream: the text result set of one COM_QUERY, parsed packet by packet so a caller can
// read a large SELECT row by row without holding it. The first packet is an OK (no rows), an
// ERR, or the column count; then the column definitions, an EOF, the rows and a closing EOF
// (or an ERR when the server fails mid-way). Pure, no I/O: QueryCursor feeds it the packets of a
// Connection. Row fields are views into the packet fed last. Thread: the owner's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/protocol/result_set.hpp"
#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

// One text row: a field per column, nullopt for NULL; views valid until the next packet.
using RowView = std::vector<std::optional<std::string_view>>;

// Parses a text row of `columns` fields into `out` (reusing its storage); 0xFB is NULL.
void parse_text_row(ByteView payload, size_t columns, RowView& out);

class ResultStream {
 public:
  enum class Step : uint8_t {
    More,     // a column definition was taken; feed the next packet
    Ok,       // the statement returned no rows: ok() holds the OK packet
    Ready,    // the column definitions are complete: columns() is valid, rows follow
    NextRow,  // row() holds the next row
    End,      // the closing EOF: no more rows
    Err,      // an ERR packet: the caller reports it (error_payload())
  };

  // Takes the next packet of the response. Throws Error(Transient) for a malformed packet and
  // Error(Refused) for a LOCAL INFILE request (never asked for).
  Step feed(ByteView packet);
  // Like feed(), but a row packet is only counted, not parsed (NextRow): the caller keeps the
  // packet and parses it later with parse_text_row().
  Step feed_unparsed(ByteView packet);

  const std::vector<ColumnDefinition>& columns() const { return columns_; }
  const RowView& row() const { return row_; }
  const OkPacket& ok() const { return ok_; }
  ByteView error_payload() const { return error_; }
  // True once Ok, End or Err was returned: the connection is ready for the next command.
  bool finished() const { return state_ == State::Finished; }
  uint64_t rows() const { return rows_; }

 private:
  enum class State : uint8_t { First, Columns, ColumnsEof, Rows, Finished };

  State state_ = State::First;
  uint64_t expected_columns_ = 0;
  std::vector<ColumnDefinition> columns_;
  RowView row_;
  OkPacket ok_;
  ByteView error_;
  uint64_t rows_ = 0;
};

}  // namespace starcdc::mysql::protocol
