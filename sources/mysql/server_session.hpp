// ServerSession: the replication side of one connection to the source server. Checks the
// server's settings before streaming (binary log on, ROW format, row image, metadata, checksum,
// privileges), works out where to start (checkpoint, or scan.startup.mode), and starts the dump
// by file/position or by GTID. Thread: pipeline.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "pipeline/common/asio.hpp"
#include "sources/mysql/mysql_options.hpp"
#include "sources/mysql/position/binlog_position.hpp"

namespace starcdc::mysql {

namespace protocol {
class Connection;
class BinlogStream;
}  // namespace protocol

struct ServerFacts {
  bool mariadb = false;
  std::string version;
  uint32_t server_id = 0;
  std::string row_image;     // FULL, MINIMAL, NOBLOB
  std::string row_metadata;  // FULL, MINIMAL, NO_LOG ("" when the server has no such setting)
  bool checksum_crc32 = false;
  bool gtid_mode = false;  // MySQL gtid_mode=ON, or MariaDB (always has GTIDs)
};

// Opens an authenticated connection to the source per `s` (TLS, auth). Throws Error(Refused)
// for refused credentials, Error(Transient) when the server cannot be reached.
asio::awaitable<std::unique_ptr<protocol::Connection>> connect_source(asio::io_context& io,
                                                                      const MysqlSettings& s);

// Reads and checks the settings; throws Error(Refused) with what to change when the binlog is
// off or not in ROW format; warns about the row image and metadata.
asio::awaitable<ServerFacts> inspect_server(protocol::Connection& c, const MysqlSettings& s);

// The position to start from without a checkpoint, per scan.startup.mode (latest-offset,
// earliest-offset, specific-offset, timestamp: earliest, skipping older transactions).
asio::awaitable<BinlogPosition> startup_position(protocol::Connection& c, const MysqlSettings& s,
                                                 const ServerFacts& facts);

// Sets the session variables of a replica and starts the dump on `c` after `from` (a transaction
// boundary). By file/position when `from` names this server (or carries no GTIDs); by GTID when
// it comes from another server (failover) or names no file. Returns how it started, for logs.
asio::awaitable<std::string> start_dump(protocol::Connection& c, protocol::BinlogStream& stream,
                                        const MysqlSettings& s, const ServerFacts& facts,
                                        const BinlogPosition& from);

}  // namespace starcdc::mysql
