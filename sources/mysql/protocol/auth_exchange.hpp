// AuthExchange: the client side of authentication after the greeting, as a state machine fed
// with server packets, so it runs the same over a socket or in a unit test. Plugins:
// mysql_native_password, caching_sha2_password (fast auth; full auth in clear over TLS, else
// RSA), sha256_password, MariaDB client_ed25519, mysql_clear_password (TLS only). Handles
// AuthSwitchRequest (0xFE) and AuthMoreData (0x01). Thread: the owner's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

struct AuthSettings {
  std::string user;
  std::string password;
  std::string endpoint;               // host:port, for messages
  bool tls = false;                   // the connection is encrypted
  std::string server_public_key_pem;  // configured RSA key, or empty
  bool allow_public_key_retrieval = true;
};

namespace plugin {
inline constexpr std::string_view kNative = "mysql_native_password";
inline constexpr std::string_view kCachingSha2 = "caching_sha2_password";
inline constexpr std::string_view kSha256 = "sha256_password";
inline constexpr std::string_view kEd25519 = "client_ed25519";
inline constexpr std::string_view kClear = "mysql_clear_password";
}  // namespace plugin

class AuthExchange {
 public:
  explicit AuthExchange(AuthSettings settings);

  struct Initial {
    std::string plugin;  // named in HandshakeResponse41
    Bytes response;
  };
  // The auth data for HandshakeResponse41 given the server's default plugin and nonce. For a
  // plugin that cannot answer from the greeting (client_ed25519, or one we do not know) it
  // answers as mysql_native_password and lets the server switch.
  Initial start(std::string_view server_plugin, ByteView nonce);

  enum class StepKind : uint8_t {
    Done,  // OK received: authenticated
    Send,  // send `data` as the next packet, then read again
    Wait,  // nothing to send, read again
  };
  struct Step {
    StepKind kind = StepKind::Wait;
    Bytes data;
    OkPacket ok;
  };
  // Consumes one server packet. ERR throws ServerError (Refused for bad credentials, with the
  // user, endpoint and plugin in the message); an unknown plugin, clear text without TLS, or
  // full authentication with neither TLS nor an RSA key throw Error(Refused).
  Step on_packet(ByteView payload);

  // The plugin currently in use.
  const std::string& plugin_name() const { return plugin_; }

 private:
  enum class State : uint8_t { Initial, AwaitFastAuthResult, AwaitOk, AwaitPublicKey };

  Bytes respond(ByteView nonce);
  Step on_switch(ByteView payload);
  Step on_more_data(ByteView data);
  Bytes full_auth(bool caching_sha2);
  [[noreturn]] void refuse(const std::string& message, const std::string& hint) const;

  AuthSettings s_;
  std::string plugin_;
  Bytes nonce_;
  State state_ = State::Initial;
  int switches_ = 0;
};

}  // namespace starcdc::mysql::protocol
