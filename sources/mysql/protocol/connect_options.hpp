// ConnectOptions: everything needed to open an authenticated MySQL/MariaDB connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/common/secret.hpp"

namespace starcdc::mysql::protocol {

// The MySQL client's --ssl-mode values.
enum class SslMode : uint8_t {
  Disabled,        // plain TCP
  Preferred,       // TLS when the server offers it, no certificate checks
  Required,        // TLS or fail, no certificate checks
  VerifyCa,        // TLS, the chain must lead to ssl-ca (or the system store)
  VerifyIdentity,  // VerifyCa and the certificate must name the host we connect to
};

// "disabled", "preferred", "required", "verify-ca", "verify-identity" (case-insensitive, '_' as
// '-'); nullopt for anything else.
std::optional<SslMode> parse_ssl_mode(std::string_view text);
std::string_view ssl_mode_name(SslMode mode);

struct ConnectOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string user;
  Secret password;
  std::string database;  // sent with CLIENT_CONNECT_WITH_DB when not empty

  SslMode ssl_mode = SslMode::Preferred;
  std::string ssl_ca;    // PEM file of trusted CAs; empty = the system store
  std::string ssl_cert;  // client certificate (PEM), optional
  std::string ssl_key;   // its private key (PEM)

  // RSA public key (PEM) of the server, for caching_sha2_password / sha256_password without TLS.
  std::string server_public_key_file;
  // Without TLS and without server_public_key_file, ask the server for its RSA key. A
  // man in the middle could hand us its own key, so TLS or a configured key is better.
  bool allow_public_key_retrieval = true;

  std::chrono::milliseconds connect_timeout{10000};  // TCP connect, TLS and authentication
  // Longest silence tolerated while waiting for a packet once connected (0 = wait forever). For
  // a binlog dump, set it to a few heartbeat periods.
  std::chrono::milliseconds read_timeout{0};
  uint64_t max_packet_bytes = 1ULL << 30;  // the server's max_allowed_packet ceiling
  uint8_t collation = 45;                  // utf8mb4_general_ci, known to MySQL and MariaDB
  std::string program_name = "starcdc";    // connection attribute program_name

  // "host:port" for messages.
  std::string endpoint() const;
};

}  // namespace starcdc::mysql::protocol
