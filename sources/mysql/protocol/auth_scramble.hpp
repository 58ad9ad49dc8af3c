// The password transforms of the authentication plugins (pure functions over OpenSSL):
// mysql_native_password, caching_sha2_password's fast-auth scramble, and the RSA-OAEP encrypted
// password of caching_sha2_password / sha256_password full authentication without TLS.
#pragma once

#include <string_view>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

// mysql_native_password: SHA1(pw) XOR SHA1(nonce || SHA1(SHA1(pw))). Empty password -> empty.
Bytes native_password_scramble(std::string_view password, ByteView nonce);

// caching_sha2_password: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) || nonce). Empty -> empty.
Bytes caching_sha2_scramble(std::string_view password, ByteView nonce);

// (password || NUL) XOR nonce, the nonce repeated over the whole length (MySQL's xor_string()
// includes the terminating NUL).
Bytes xor_password_with_nonce(std::string_view password, ByteView nonce);

// RSA-OAEP (SHA-1, MGF1-SHA-1) of xor_password_with_nonce() under the server's public key
// (PEM, SubjectPublicKeyInfo: "-----BEGIN PUBLIC KEY-----"). An unreadable key or a password too
// long for the key throws Error(Refused).
Bytes rsa_encrypt_password(std::string_view public_key_pem, std::string_view password,
                           ByteView nonce);

Bytes sha1(ByteView data);
Bytes sha256(ByteView data);
Bytes sha512(ByteView data);

}  // namespace starcdc::mysql::protocol
