#include "sources/mysql/protocol/auth_exchange.hpp"

#include <catch2/catch.hpp>

#include "sources/mysql/protocol/auth_ed25519.hpp"
#include "sources/mysql/protocol/auth_scramble.hpp"
#include "tests/unit/sources/mysql/protocol/hex.hpp"
#include "tests/unit/sources/mysql/protocol/rsa_key.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::bytes_of;
using test::unhex;
using Kind = AuthExchange::StepKind;

const Bytes kNonce = bytes_of("abcdefghijklmnopqrst");
const Bytes kOk = unhex("00000002000000");

AuthSettings settings(bool tls = false) {
  AuthSettings s;
  s.user = "cdc";
  s.password = "cdcpass";
  s.endpoint = "127.0.0.1:3306";
  s.tls = tls;
  return s;
}

// AuthSwitchRequest: 0xFE, plugin name, NUL, plugin data.
Bytes auth_switch(std::string_view plugin, ByteView data) {
  Bytes out{0xFE};
  WireWriter w(out);
  w.null_terminated(plugin);
  w.bytes(data);
  return out;
}

Bytes more_data(ByteView data) {
  Bytes out{0x01};
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes with_nul(ByteView b) {
  Bytes out(b.begin(), b.end());
  out.push_back(0);
  return out;
}

}  // namespace

TEST_CASE("mysql_native_password answers from the greeting and ends at OK", "[mysql][protocol]") {
  AuthExchange a(settings());
  const auto initial = a.start(plugin::kNative, kNonce);
  CHECK(initial.plugin == "mysql_native_password");
  CHECK(initial.response == native_password_scramble("cdcpass", kNonce));
  const auto done = a.on_packet(kOk);
  CHECK(done.kind == Kind::Done);
  CHECK(done.ok.status == 2);
}

TEST_CASE("an AuthSwitchRequest to client_ed25519 is answered with a signature of its nonce",
          "[mysql][protocol]") {
  AuthExchange a(settings());
  (void)a.start(plugin::kNative, kNonce);
  const Bytes nonce = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const auto step = a.on_packet(auth_switch("client_ed25519", nonce));
  CHECK(step.kind == Kind::Send);
  const auto expected = ed25519_sign_with_password("cdcpass", nonce);
  CHECK(step.data == Bytes(expected.begin(), expected.end()));
  CHECK(a.plugin_name() == "client_ed25519");
  CHECK(a.on_packet(kOk).kind == Kind::Done);
}

TEST_CASE("a switch to mysql_native_password uses the new nonce without its NUL",
          "[mysql][protocol]") {
  AuthExchange a(settings());
  (void)a.start(plugin::kCachingSha2, kNonce);
  const Bytes fresh = bytes_of("ABCDEFGHIJKLMNOPQRST");
  const auto step = a.on_packet(auth_switch("mysql_native_password", with_nul(fresh)));
  CHECK(step.kind == Kind::Send);
  CHECK(step.data == native_password_scramble("cdcpass", fresh));
}

TEST_CASE("a greeting naming a plugin that cannot answer first gets a native answer",
          "[mysql][protocol]") {
  AuthExchange a(settings());
  CHECK(a.start("client_ed25519", kNonce).plugin == "mysql_native_password");
  AuthExchange b(settings());
  CHECK(b.start("auth_gssapi_client", kNonce).plugin == "mysql_native_password");
  AuthExchange c(settings(false));
  CHECK(c.start("mysql_clear_password", kNonce).plugin == "mysql_native_password");
}

TEST_CASE("caching_sha2_password fast authentication waits for the OK", "[mysql][protocol]") {
  AuthExchange a(settings());
  const auto initial = a.start(plugin::kCachingSha2, kNonce);
  CHECK(initial.plugin == "caching_sha2_password");
  CHECK(initial.response == caching_sha2_scramble("cdcpass", kNonce));
  CHECK(a.on_packet(more_data(unhex("03"))).kind == Kind::Wait);
  CHECK(a.on_packet(kOk).kind == Kind::Done);
}

TEST_CASE("caching_sha2_password full authentication over TLS sends the password in clear",
          "[mysql][protocol]") {
  AuthExchange a(settings(true));
  (void)a.start(plugin::kCachingSha2, kNonce);
  const auto step = a.on_packet(more_data(unhex("04")));
  CHECK(step.kind == Kind::Send);
  CHECK(step.data == bytes_of(std::string_view("cdcpass\0", 8)));
  CHECK(a.on_packet(kOk).kind == Kind::Done);
}

TEST_CASE("caching_sha2_password full authentication without TLS asks for the RSA key",
          "[mysql][protocol]") {
  const test::RsaKey key;
  AuthExchange a(settings(false));
  (void)a.start(plugin::kCachingSha2, kNonce);
  const auto request = a.on_packet(more_data(unhex("04")));
  CHECK(request.kind == Kind::Send);
  CHECK(request.data == unhex("02"));
  const auto encrypted = a.on_packet(more_data(as_bytes(key.public_pem())));
  CHECK(encrypted.kind == Kind::Send);
  CHECK(key.decrypt(encrypted.data) == xor_password_with_nonce("cdcpass", kNonce));
  CHECK(a.on_packet(kOk).kind == Kind::Done);
}

TEST_CASE("a configured server public key is used without asking the server", "[mysql][protocol]") {
  const test::RsaKey key;
  AuthSettings s = settings(false);
  s.server_public_key_pem = key.public_pem();
  AuthExchange a(std::move(s));
  (void)a.start(plugin::kCachingSha2, kNonce);
  const auto step = a.on_packet(more_data(unhex("04")));
  CHECK(step.kind == Kind::Send);
  CHECK(key.decrypt(step.data) == xor_password_with_nonce("cdcpass", kNonce));
}

TEST_CASE("full authentication without TLS, key or key retrieval is refused", "[mysql][protocol]") {
  AuthSettings s = settings(false);
  s.allow_public_key_retrieval = false;
  AuthExchange a(std::move(s));
  (void)a.start(plugin::kCachingSha2, kNonce);
  try {
    (void)a.on_packet(more_data(unhex("04")));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Refused);
    CHECK(std::string(e.what()).find("needs TLS or the server's RSA public key") !=
          std::string::npos);
  }
}

TEST_CASE("sha256_password asks for the key with 0x01 and sends the encrypted password",
          "[mysql][protocol]") {
  const test::RsaKey key;
  AuthExchange a(settings(false));
  const auto initial = a.start(plugin::kSha256, kNonce);
  CHECK(initial.response == unhex("01"));
  const auto step = a.on_packet(more_data(as_bytes(key.public_pem())));
  CHECK(key.decrypt(step.data) == xor_password_with_nonce("cdcpass", kNonce));
  AuthExchange tls(settings(true));
  CHECK(tls.start(plugin::kSha256, kNonce).response == bytes_of(std::string_view("cdcpass\0", 8)));
}

TEST_CASE("mysql_clear_password is sent only over TLS", "[mysql][protocol]") {
  AuthExchange plain(settings(false));
  (void)plain.start(plugin::kNative, kNonce);
  try {
    (void)plain.on_packet(auth_switch("mysql_clear_password", {}));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Refused);
    CHECK(std::string(e.what()).find("without TLS") != std::string::npos);
  }
  AuthExchange tls(settings(true));
  (void)tls.start(plugin::kNative, kNonce);
  const auto step = tls.on_packet(auth_switch("mysql_clear_password", {}));
  CHECK(step.data == bytes_of(std::string_view("cdcpass\0", 8)));
}

TEST_CASE("an unknown plugin or the pre-4.1 protocol is refused by name", "[mysql][protocol]") {
  AuthExchange a(settings());
  (void)a.start(plugin::kNative, kNonce);
  try {
    (void)a.on_packet(auth_switch("auth_gssapi_client", bytes_of("x")));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Refused);
    CHECK(std::string(e.what()).find("'auth_gssapi_client'") != std::string::npos);
    CHECK(std::string(e.what()).find("user 'cdc' at 127.0.0.1:3306") != std::string::npos);
  }
  AuthExchange b(settings());
  (void)b.start(plugin::kNative, kNonce);
  CHECK_THROWS_AS(b.on_packet(unhex("fe")), Error);
}

TEST_CASE("a wrong password gives errno 1045 with user, endpoint and the server's text",
          "[mysql][protocol]") {
  AuthExchange a(settings());
  (void)a.start(plugin::kNative, kNonce);
  Bytes err = unhex("ff1504233238303030");
  const auto text = as_bytes("Access denied for user 'cdc'@'127.0.0.1' (using password: YES)");
  err.insert(err.end(), text.begin(), text.end());
  try {
    (void)a.on_packet(err);
    FAIL("no error");
  } catch (const ServerError& e) {
    CHECK(e.kind() == ErrorKind::Refused);
    CHECK(e.code() == 1045);
    CHECK(e.sql_state() == "28000");
    const std::string what = e.what();
    CHECK(what.find("127.0.0.1:3306") != std::string::npos);
    CHECK(what.find("user 'cdc'") != std::string::npos);
    CHECK(what.find("error 1045 (28000): Access denied") != std::string::npos);
    CHECK(e.where() == "127.0.0.1:3306");
    CHECK_FALSE(e.hint().empty());
  }
}

}  // namespace starcdc::mysql::protocol
