// Connection: an authenticated MySQL/MariaDB client connection (handshake v10, TLS per ssl-mode,
// authentication plugins) that runs text queries, pings and replication registration. A binlog
// dump is started and read through BinlogStream on the same connection. Thread: the thread
// running the io_context it was made with; one command at a time.
//
// Errors: Error(Transient) for network trouble and timeouts (retry with a new connection);
// Error(Refused) for refused credentials, privileges, missing TLS, unsupported plugins and
// rejected certificates; Error(Config) for unreadable key/certificate files; ServerError (an
// Error) for every ERR packet, with errno, SQL state and the server's text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pipeline/common/asio.hpp"
#include "sources/mysql/protocol/commands.hpp"
#include "sources/mysql/protocol/connect_options.hpp"
#include "sources/mysql/protocol/result_set.hpp"

namespace starcdc::mysql::protocol {

class PacketChannel;

struct ServerInfo {
  std::string version;  // as announced, e.g. "5.5.5-10.11.19-MariaDB-0+deb12u1"
  bool mariadb = false;
  uint32_t connection_id = 0;  // for KILL of a stale dump connection
  uint32_t server_capabilities = 0;
  uint32_t capabilities = 0;  // negotiated
  uint32_t mariadb_capabilities = 0;
  uint8_t collation = 0;
  std::string auth_plugin;  // the plugin that authenticated us
  std::string tls;          // "TLSv1.3 TLS_AES_256_GCM_SHA384", or empty without TLS
};

class Connection {
 public:
  explicit Connection(asio::io_context& io);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects, negotiates TLS and authenticates. Afterwards reads and writes use
  // options.read_timeout.
  asio::awaitable<void> connect(ConnectOptions options);

  // COM_QUERY with a text result set (rows as strings or NULL), or the OK of a statement
  // without rows. The SQL appears (shortened) in error messages: never put secrets in it.
  asio::awaitable<ResultSet> query(std::string sql);
  // COM_PING.
  asio::awaitable<void> ping();
  // COM_REGISTER_SLAVE.
  asio::awaitable<void> register_replica(RegisterReplica replica);
  // COM_QUIT and close; never throws for a connection that is already broken.
  asio::awaitable<void> quit();
  void close();
  bool is_open() const;

  const ServerInfo& server() const { return server_; }
  const ConnectOptions& options() const { return options_; }
  // For BinlogStream: the packet layer of this connection.
  PacketChannel& channel() { return *channel_; }

 private:
  friend class QueryCursor;  // streams result sets over channel() and reports ERR packets

  asio::awaitable<OkPacket> read_ok(const char* what);
  [[noreturn]] void server_error(ByteView payload, const std::string& what) const;

  asio::io_context& io_;
  std::unique_ptr<PacketChannel> channel_;
  ConnectOptions options_;
  ServerInfo server_;
};

}  // namespace starcdc::mysql::protocol
