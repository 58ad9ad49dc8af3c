// The binlog dump connection and the coroutine that reads it ahead of decoding: raw events go
// into `fill`, framed as a 4-byte length and the bytes, at most 16 MiB ahead. Also the small SQL
// text test the source needs for QUERY events. Thread: pipeline.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/common/asio.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"

namespace starcdc::mysql {

// Shared by the source and the reader coroutine, which may outlive a reconnect.
struct Stream {
  Stream(asio::io_context& io, std::shared_ptr<asio::steady_timer> wake)
      : data_ready(std::move(wake)), space_ready(io) {}
  std::unique_ptr<protocol::Connection> conn;
  std::unique_ptr<protocol::BinlogStream> stream;
  std::string fill;
  std::exception_ptr error;
  bool closing = false;
  std::shared_ptr<asio::steady_timer> data_ready;  // the source's wake-up, shared with the snapshot
  asio::steady_timer space_ready;
};

// Reads events into s->fill until closing or an error (kept in s->error).
asio::awaitable<void> read_events(std::shared_ptr<Stream> s);

// True when `sql` starts with the keyword `word` (upper case), after white space.
bool starts_with_word(std::string_view sql, std::string_view word);

}  // namespace starcdc::mysql
