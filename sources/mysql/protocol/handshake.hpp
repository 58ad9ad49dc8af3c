// The connection phase's fixed packets: the server's greeting (Protocol::HandshakeV10), and the
// client's SSLRequest and HandshakeResponse41. Pure encoding and decoding, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

struct InitialHandshake {
  uint8_t protocol_version = 0;
  std::string server_version;  // e.g. "5.5.5-10.11.19-MariaDB-0+deb12u1" or "8.4.3"
  uint32_t connection_id = 0;
  Bytes scramble;  // the nonce, without the trailing NUL (20 bytes from MySQL and MariaDB)
  uint32_t capabilities = 0;
  uint8_t collation = 0;
  uint16_t status = 0;
  // MariaDB's extended capabilities (bits 32-63 of its capability set), sent in the reserved
  // bytes when the server clears CLIENT_MYSQL (bit 0). Zero from MySQL.
  uint32_t mariadb_capabilities = 0;
  std::string auth_plugin;  // the server's default plugin, e.g. "mysql_native_password"

  bool is_mariadb() const;
};

// Parses the greeting. A wrong protocol version or a truncated packet throws Error(Transient).
// (An ERR packet in place of the greeting must be checked by the caller first.)
InitialHandshake parse_initial_handshake(ByteView payload);

// The capabilities we ask for: protocol 4.1, secure connection, plugin auth with length-encoded
// auth data, transactions, long flags, connection attributes; CONNECT_WITH_DB when a schema is
// given; SSL when `tls`. Only bits the server also announces. Never DEPRECATE_EOF, SESSION_TRACK,
// COMPRESS, LOCAL_FILES or MULTI_STATEMENTS (result sets end with a classic EOF packet).
uint32_t negotiate_capabilities(uint32_t server_capabilities, bool tls, bool with_database);

struct HandshakeResponse {
  uint32_t capabilities = 0;  // from negotiate_capabilities()
  uint32_t max_packet_bytes = 0;
  uint8_t collation = 0;
  std::string user;
  Bytes auth_response;
  std::string database;
  std::string auth_plugin;
  std::vector<std::pair<std::string, std::string>> attributes;
};

// The 32-byte SSLRequest: capabilities (with CLIENT_SSL), max packet size, collation, filler.
Bytes build_ssl_request(uint32_t capabilities, uint32_t max_packet_bytes, uint8_t collation);
Bytes build_handshake_response(const HandshakeResponse& response);

}  // namespace starcdc::mysql::protocol
