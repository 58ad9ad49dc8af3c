// MariaDB's client_ed25519 authentication: an Ed25519 signature of the server's 32-byte nonce in
// which the password bytes (of any length) take the place of the 32-byte secret seed, i.e.
// h = SHA-512(password) instead of SHA-512(seed) (MariaDB plugin/auth_ed25519/ref10/sign.c).
// OpenSSL's Ed25519 only accepts 32-byte seeds, so the curve arithmetic here is our own, over
// OpenSSL's SHA-512 and BIGNUM. Not constant-time: it runs once per connection on the client.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

using Ed25519Signature = std::array<uint8_t, 64>;
using Ed25519PublicKey = std::array<uint8_t, 32>;

// R || S over `message` with the key derived from `password`.
Ed25519Signature ed25519_sign_with_password(std::string_view password, ByteView message);

// The public key A derived from `password`; MariaDB stores it base64-encoded (43 characters, no
// padding) as the account's authentication string.
Ed25519PublicKey ed25519_public_key_from_password(std::string_view password);

}  // namespace starcdc::mysql::protocol
