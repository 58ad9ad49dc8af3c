// BinlogStream: starts a binlog dump on an authenticated Connection (COM_BINLOG_DUMP or
// COM_BINLOG_DUMP_GTID) and hands over the raw bytes of each event (header, body and checksum,
// as the server sent them) to the binlog decoder. Session variables (@master_binlog_checksum,
// @mariadb_slave_capability, @slave_connect_state, heartbeat period...) must be set with
// Connection::query() before start(). After start() the connection carries only the stream.
// Thread: the connection's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/common/asio.hpp"
#include "sources/mysql/protocol/commands.hpp"
#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

class Connection;

class BinlogStream {
 public:
  explicit BinlogStream(Connection& connection) : conn_(connection) {}

  asio::awaitable<void> start(BinlogDump dump);
  asio::awaitable<void> start_gtid(BinlogDumpGtid dump);

  // The next event's bytes, valid until the next call; nullopt when the server ended the stream
  // (EOF packet, only sent for a non-blocking dump). An ERR packet throws ServerError: 1236
  // (position purged or invalid, replica ahead of the source...) is Error(Refused) and means the
  // position is lost. A silent connection throws Error(Transient) after the read timeout.
  asio::awaitable<std::optional<ByteView>> next();

  uint64_t events() const { return events_; }
  uint64_t bytes() const { return bytes_; }

 private:
  Connection& conn_;
  std::string start_;  // "file:position" or "GTID set" for messages
  std::string where_;  // "file:position" of a file dump, else host:port
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace starcdc::mysql::protocol
