#include "sources/mysql/protocol/auth_exchange.hpp"

#include "sources/mysql/protocol/auth_ed25519.hpp"
#include "sources/mysql/protocol/auth_scramble.hpp"
#include "sources/mysql/protocol/capabilities.hpp"

namespace starcdc::mysql::protocol {
namespace {

// caching_sha2_password AuthMoreData codes and requests (MySQL sql-common/
// client_authentication.cc: request_public_key '\2', fast_auth_success '\3',
// perform_full_authentication '\4'); sha256_password asks for the key with '\1'.
constexpr uint8_t kCachingSha2RequestKey = 0x02;
constexpr uint8_t kFastAuthSuccess = 0x03;
constexpr uint8_t kPerformFullAuth = 0x04;
constexpr uint8_t kSha256RequestKey = 0x01;
// MySQL 8.0.27+ multi-factor authentication: "next factor" packet.
constexpr uint8_t kAuthNextFactor = 0x02;
constexpr size_t kScrambleBytes = 20;
constexpr size_t kEd25519NonceBytes = 32;
constexpr int kMaxSwitches = 4;

constexpr const char* kSupported =
    "supported plugins: mysql_native_password, caching_sha2_password, sha256_password, "
    "client_ed25519, and mysql_clear_password over TLS";

}  // namespace

AuthExchange::AuthExchange(AuthSettings settings) : s_(std::move(settings)) {}

void AuthExchange::refuse(const std::string& message, const std::string& hint) const {
  throw Error(ErrorKind::Refused,
              "cannot authenticate user '" + s_.user + "' at " + s_.endpoint + ": " + message,
              s_.endpoint, hint);
}

AuthExchange::Initial AuthExchange::start(std::string_view server_plugin, ByteView nonce) {
  const bool answerable =
      server_plugin == plugin::kNative || server_plugin == plugin::kCachingSha2 ||
      server_plugin == plugin::kSha256 || (server_plugin == plugin::kClear && s_.tls);
  plugin_ = answerable ? std::string(server_plugin) : std::string(plugin::kNative);
  Initial out;
  out.plugin = plugin_;
  out.response = respond(nonce);
  return out;
}

Bytes AuthExchange::respond(ByteView nonce) {
  // Plugins built on the 20-byte scramble get it without the trailing NUL that the greeting and
  // AuthSwitchRequest carry; client_ed25519 signs exactly 32 bytes.
  if (plugin_ == plugin::kEd25519) {
    if (nonce.size() < kEd25519NonceBytes) {
      refuse("client_ed25519 nonce of " + std::to_string(nonce.size()) + " bytes, expected 32", "");
    }
    nonce_.assign(nonce.begin(), nonce.begin() + kEd25519NonceBytes);
    state_ = State::AwaitOk;
    const Ed25519Signature sig = ed25519_sign_with_password(s_.password, nonce_);
    return Bytes(sig.begin(), sig.end());
  }
  nonce_.assign(nonce.begin(), nonce.end());
  if (nonce_.size() > kScrambleBytes) {
    nonce_.resize(kScrambleBytes);
  }
  if (plugin_ == plugin::kNative) {
    state_ = State::AwaitOk;
    return native_password_scramble(s_.password, nonce_);
  }
  if (plugin_ == plugin::kCachingSha2) {
    state_ = State::AwaitFastAuthResult;
    return caching_sha2_scramble(s_.password, nonce_);
  }
  if (plugin_ == plugin::kSha256) {
    if (s_.password.empty()) {
      state_ = State::AwaitOk;
      return Bytes{0};
    }
    return full_auth(false);
  }
  if (plugin_ == plugin::kClear) {
    if (!s_.tls) {
      refuse(
          "the server asks for mysql_clear_password (the password in clear text) on a "
          "connection without TLS; refusing to send it",
          "use ssl-mode required, verify-ca or verify-identity");
    }
    state_ = State::AwaitOk;
    Bytes out(s_.password.begin(), s_.password.end());
    out.push_back(0);
    return out;
  }
  refuse("the server requires the authentication plugin '" + plugin_ +
             "', which starcdc does not support",
         std::string(kSupported) + "; change the account's plugin");
}

Bytes AuthExchange::full_auth(bool caching_sha2) {
  if (s_.tls) {
    // Over TLS the password goes in clear, NUL-terminated.
    state_ = State::AwaitOk;
    Bytes out(s_.password.begin(), s_.password.end());
    out.push_back(0);
    return out;
  }
  if (!s_.server_public_key_pem.empty()) {
    state_ = State::AwaitOk;
    return rsa_encrypt_password(s_.server_public_key_pem, s_.password, nonce_);
  }
  if (!s_.allow_public_key_retrieval) {
    refuse(plugin_ +
               " needs TLS or the server's RSA public key for full authentication, and "
               "retrieving the key from the server is not allowed",
           "use TLS (ssl-mode), configure the server's public key file, or allow public key "
           "retrieval");
  }
  state_ = State::AwaitPublicKey;
  return Bytes{caching_sha2 ? kCachingSha2RequestKey : kSha256RequestKey};
}

AuthExchange::Step AuthExchange::on_packet(ByteView payload) {
  if (payload.empty()) {
    WireReader(payload, "authentication").fail();
  }
  switch (payload[0]) {
    case header::kOk: {
      Step done;
      done.kind = StepKind::Done;
      done.ok = parse_ok(payload);
      return done;
    }
    case header::kErr: {
      ErrPacket err = parse_err(payload);
      const ErrorKind kind = error_kind_for(err.code);
      std::string hint = "check the user name and password of the source";
      if (err.code == errc::kHostNotPrivileged || err.code == errc::kHostBlocked) {
        hint = "the server does not accept this user from our address";
      } else if (kind == ErrorKind::Transient) {
        hint.clear();
      }
      const std::string message = "MySQL server " + s_.endpoint + " refused user '" + s_.user +
                                  "' (plugin " + plugin_ + "): " + describe(err);
      throw ServerError(kind, std::move(err), message, s_.endpoint, hint);
    }
    case header::kEof:
      return on_switch(payload);
    case header::kAuthMoreData:
      return on_more_data(payload.subspan(1));
    default:
      if (payload[0] == kAuthNextFactor) {
        refuse(
            "the server asks for a further authentication factor (multi-factor "
            "authentication), which starcdc does not support",
            "use an account with a single authentication factor");
      }
      WireReader(payload, "authentication").fail();
  }
}

AuthExchange::Step AuthExchange::on_switch(ByteView payload) {
  if (payload.size() == 1) {
    refuse("the server asks for the pre-4.1 password protocol", std::string(kSupported));
  }
  if (++switches_ > kMaxSwitches) {
    refuse("too many authentication method switches", "");
  }
  WireReader r(payload, "AuthSwitchRequest");
  r.skip(1);
  plugin_ = std::string(r.null_terminated_or_rest());
  const ByteView data = r.rest();
  Step step;
  step.kind = StepKind::Send;
  step.data = respond(data);
  return step;
}

AuthExchange::Step AuthExchange::on_more_data(ByteView data) {
  const bool sha2 = plugin_ == plugin::kCachingSha2;
  if (sha2 && state_ == State::AwaitFastAuthResult && data.size() == 1) {
    if (data[0] == kFastAuthSuccess) {
      state_ = State::AwaitOk;
      return Step{};
    }
    if (data[0] == kPerformFullAuth) {
      Step step;
      step.kind = StepKind::Send;
      step.data = full_auth(true);
      return step;
    }
  }
  if ((sha2 || plugin_ == plugin::kSha256) && state_ == State::AwaitPublicKey) {
    Step step;
    step.kind = StepKind::Send;
    step.data = rsa_encrypt_password(as_chars(data), s_.password, nonce_);
    state_ = State::AwaitOk;
    return step;
  }
  refuse("unexpected authentication data from the server for plugin " + plugin_, "");
}

}  // namespace starcdc::mysql::protocol
