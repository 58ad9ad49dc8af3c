// QueryCursor: runs one COM_QUERY on a Connection and reads its text result set row by row, so
// a SELECT of any size needs memory for one row only (the snapshot reads tables this way).
// While a cursor is open its connection runs no other command: read to the end, or drain(), or
// close the connection. Errors as Connection::query (ServerError for an ERR, also mid-way).
// Thread: the connection's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/result_stream.hpp"

namespace starcdc::mysql::protocol {

class QueryCursor {
 public:
  explicit QueryCursor(Connection& conn) : conn_(conn) {}
  QueryCursor(const QueryCursor&) = delete;
  QueryCursor& operator=(const QueryCursor&) = delete;

  // Sends `sql` and reads up to the first row: afterwards columns() is valid, or, for a
  // statement without rows, finished() is true and ok() holds its OK packet.
  asio::awaitable<void> start(std::string sql);
  // The next row (its fields view the packet buffer: valid until the next call on this cursor
  // or connection), or nullptr at the end of the result set.
  asio::awaitable<const RowView*> next();
  // The next row's packet, unparsed (parse_text_row() reads it; valid like next()'s row), or
  // nullopt at the end of the result set.
  asio::awaitable<std::optional<ByteView>> next_packet();
  // next_packet() without waiting, for rows already received: Got (the packet in *packet),
  // End, or Wait (call next_packet()). Saves a coroutine round per row on a busy stream.
  enum class Buffered : uint8_t { Got, End, Wait };
  Buffered buffered_packet(ByteView* packet);
  // Reads and discards the remaining rows; returns how many there were.
  asio::awaitable<uint64_t> drain();

  const std::vector<ColumnDefinition>& columns() const { return stream_.columns(); }
  const OkPacket& ok() const { return stream_.ok(); }
  bool finished() const { return stream_.finished(); }
  // Rows returned so far.
  uint64_t rows() const { return stream_.rows(); }

 private:
  Connection& conn_;
  ResultStream stream_;
  std::string what_;
};

}  // namespace starcdc::mysql::protocol
