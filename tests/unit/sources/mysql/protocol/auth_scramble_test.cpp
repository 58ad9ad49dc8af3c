#include "sources/mysql/protocol/auth_scramble.hpp"

#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <random>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/auth_ed25519.hpp"
#include "tests/unit/sources/mysql/protocol/hex.hpp"
#include "tests/unit/sources/mysql/protocol/rsa_key.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::bytes_of;
using test::hex;
using test::unhex;

const Bytes kNonce = unhex("0102030405060708090a0b0c0d0e0f1011121314");

std::string base64_unpadded(ByteView b) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(),
                                static_cast<int>(b.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') {
    out.pop_back();
  }
  return out;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

bool openssl_ed25519_verify(ByteView pub, ByteView message, ByteView sig) {
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), pub.size()),
              EVP_PKEY_free);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  REQUIRE(key);
  REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1);
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
}

Bytes openssl_ed25519_sign(ByteView seed, ByteView message) {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
              EVP_PKEY_free);
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  REQUIRE(key);
  REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1);
  Bytes sig(64);
  size_t len = sig.size();
  REQUIRE(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) == 1);
  return sig;
}

}  // namespace

TEST_CASE("mysql_native_password scrambles match an independent implementation",
          "[mysql][protocol]") {
  // Expected values computed with PyMySQL 1.0.2's _auth.scramble_native_password.
  CHECK(hex(native_password_scramble("secret", kNonce)) ==
        "b32bb3a583e1340c0a1108d58b1be49781ad8c2f");
  CHECK(hex(native_password_scramble("p@ss w\xc3\xb6rd", bytes_of("abcdefghijklmnopqrst"))) ==
        "48364631c1889ab76c8c253b63badbcde89fe987");
  CHECK(native_password_scramble("", kNonce).empty());
}

TEST_CASE("a native scramble is what the server accepts for PASSWORD('secret')",
          "[mysql][protocol]") {
  // The server stores SHA1(SHA1(pw)) (PASSWORD('secret') = *14E65567...); it recovers
  // SHA1(pw) = reply XOR SHA1(nonce || stored) and checks SHA1 of that against the stored hash.
  const Bytes stored = unhex("14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
  const Bytes reply = native_password_scramble("secret", kNonce);
  Bytes salted(kNonce);
  salted.insert(salted.end(), stored.begin(), stored.end());
  Bytes stage1 = sha1(salted);
  for (size_t i = 0; i < stage1.size(); ++i) {
    stage1[i] ^= reply[i];
  }
  CHECK(sha1(stage1) == stored);
}

TEST_CASE("caching_sha2_password scrambles match an independent implementation",
          "[mysql][protocol]") {
  // Expected values computed with PyMySQL 1.0.2's _auth.scramble_caching_sha2. MariaDB has no
  // caching_sha2_password, so this math is only tested here, not against a server.
  CHECK(hex(caching_sha2_scramble("secret", kNonce)) ==
        "746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9");
  CHECK(hex(caching_sha2_scramble("p@ss w\xc3\xb6rd", bytes_of("abcdefghijklmnopqrst"))) ==
        "e6b595e51f5d2504b327d2ac2709c00b6c526997743e11a2357730ba51cd0bef");
  CHECK(caching_sha2_scramble("", kNonce).empty());
}

TEST_CASE("the RSA plaintext is the NUL-terminated password XOR the repeated nonce",
          "[mysql][protocol]") {
  CHECK(hex(xor_password_with_nonce("secret", kNonce)) == "72676076607207");
  const std::string long_pw(45, 'a');
  const Bytes x = xor_password_with_nonce(long_pw, kNonce);
  REQUIRE(x.size() == 46);
  CHECK(x[20] == ('a' ^ kNonce[0]));
  CHECK(x[45] == kNonce[45 % 20]);  // the NUL, XORed too
}

TEST_CASE("an RSA-encrypted password decrypts with the server's key to password XOR nonce",
          "[mysql][protocol]") {
  const test::RsaKey key;
  const std::string pem = key.public_pem();
  const Bytes cipher = rsa_encrypt_password(pem, "s3cret!", kNonce);
  CHECK(cipher.size() == 256);
  const Bytes plain = key.decrypt(cipher);
  CHECK(plain == xor_password_with_nonce("s3cret!", kNonce));

  CHECK_THROWS_AS(rsa_encrypt_password("not a key", "pw", kNonce), Error);
  CHECK_THROWS_AS(rsa_encrypt_password(pem, std::string(300, 'x'), kNonce), Error);
}

TEST_CASE("ed25519 with a 32-byte password is RFC 8032 Ed25519 with that seed",
          "[mysql][protocol]") {
  // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
  const Bytes seed1 = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  CHECK(hex(ed25519_public_key_from_password(as_chars(seed1))) ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(hex(ed25519_sign_with_password(as_chars(seed1), {})) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
        "39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  const Bytes seed2 = unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  CHECK(hex(ed25519_sign_with_password(as_chars(seed2), unhex("72"))) ==
        hex(openssl_ed25519_sign(seed2, unhex("72"))));

  std::mt19937 rng(7);
  for (int i = 0; i < 8; ++i) {
    Bytes seed(32);
    Bytes nonce(32);
    for (auto& b : seed) {
      b = static_cast<uint8_t>(rng());
    }
    for (auto& b : nonce) {
      b = static_cast<uint8_t>(rng());
    }
    CHECK(hex(ed25519_sign_with_password(as_chars(seed), nonce)) ==
          hex(openssl_ed25519_sign(seed, nonce)));
  }
}

TEST_CASE("ed25519 public keys match the ones MariaDB stores for passwords of any length",
          "[mysql][protocol]") {
  // mysql.user.authentication_string of accounts made with
  // IDENTIFIED VIA ed25519 USING PASSWORD('...') on MariaDB 10.11.19 (auth_ed25519).
  CHECK(base64_unpadded(ed25519_public_key_from_password("secret")) ==
        "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY");
  CHECK(base64_unpadded(ed25519_public_key_from_password("p@ss w\xc3\xb6rd")) ==
        "N81g+woHsk7eFP2PjtoEgW3JYpdn6bBpFoGcW3/RMxQ");
  CHECK(base64_unpadded(ed25519_public_key_from_password(std::string(40, 'x'))) ==
        "w1NzxKiR8JMJwPAfMMO4p/d1/L+icKpsjx1wQy1jrKY");
  CHECK(base64_unpadded(ed25519_public_key_from_password("a")) ==
        "GvRmi9ungFjJD9sKjaq/T3CL1LmO2CLpz5I42gnB7Eg");
}

TEST_CASE("ed25519 signatures from any password verify under MariaDB's stored public key",
          "[mysql][protocol]") {
  const Bytes nonce = unhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  for (const std::string pw : {"secret", "a", "p@ss w\xc3\xb6rd"}) {
    const auto pub = ed25519_public_key_from_password(pw);
    const auto sig = ed25519_sign_with_password(pw, nonce);
    CHECK(openssl_ed25519_verify(pub, nonce, sig));
    Bytes other(nonce);
    other[0] ^= 1;
    CHECK_FALSE(openssl_ed25519_verify(pub, other, sig));
  }
}

}  // namespace starcdc::mysql::protocol
