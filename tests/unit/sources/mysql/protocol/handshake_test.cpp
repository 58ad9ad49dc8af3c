#include "sources/mysql/protocol/handshake.hpp"

#include <catch2/catch.hpp>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"
#include "sources/mysql/protocol/packets.hpp"
#include "tests/unit/sources/mysql/protocol/hex.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::hex;
using test::unhex;

// Captured from MariaDB 10.11.19 (Debian 12) started by tests/integration/mariadb.py, without TLS.
const Bytes kMariadbGreeting = unhex(
    "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f6700060000006727"
    "2b3f3c4e554100fef72d0200ff81150000000000001d000000232a486b622b4c7d52627545006d7973716c5f"
    "6e61746976655f70617373776f726400");

// A MySQL 8-style greeting built from the layout of MySQL's Protocol::HandshakeV10 page:
// 10 zero reserved bytes, 21-byte auth data length, caching_sha2_password.
Bytes mysql8_greeting() {
  Bytes out;
  WireWriter w(out);
  w.u8(10);
  w.null_terminated("8.0.36");
  w.u32(42);
  w.chars("ABCDEFGH");
  w.u8(0);
  w.u16(0xFFFF);
  w.u8(255);
  w.u16(0x0002);
  w.u16(0xDFFF);
  w.u8(21);
  w.zeros(10);
  w.chars("IJKLMNOPQRST");
  w.u8(0);
  w.null_terminated("caching_sha2_password");
  return out;
}

}  // namespace

TEST_CASE("a MariaDB greeting gives version, nonce, capabilities and extended capabilities",
          "[mysql][protocol]") {
  const InitialHandshake h = parse_initial_handshake(kMariadbGreeting);
  CHECK(h.protocol_version == 10);
  CHECK(h.server_version == "5.5.5-10.11.19-MariaDB-0+deb12u1-log");
  CHECK(h.is_mariadb());
  CHECK(h.connection_id == 6);
  CHECK(hex(h.scramble) ==
        "67272b3f3c4e5541"
        "232a486b622b4c7d52627545");
  CHECK(h.scramble.size() == 20);
  CHECK(h.capabilities == 0x81FFF7FEU);
  CHECK((h.capabilities & cap::kLongPassword) == 0);  // MariaDB clears CLIENT_MYSQL
  CHECK((h.capabilities & cap::kSsl) == 0);           // no certificate configured
  CHECK(h.mariadb_capabilities == 0x1D);
  CHECK(h.collation == 45);
  CHECK(h.status == 2);
  CHECK(h.auth_plugin == "mysql_native_password");
}

TEST_CASE("a MySQL 8 greeting gives a 20-byte nonce without the trailing NUL",
          "[mysql][protocol]") {
  const InitialHandshake h = parse_initial_handshake(mysql8_greeting());
  CHECK(h.server_version == "8.0.36");
  CHECK_FALSE(h.is_mariadb());
  CHECK(h.connection_id == 42);
  CHECK(std::string(as_chars(h.scramble)) == "ABCDEFGHIJKLMNOPQRST");
  CHECK(h.mariadb_capabilities == 0);
  CHECK(h.auth_plugin == "caching_sha2_password");
  CHECK((h.capabilities & cap::kSsl) != 0);
}

TEST_CASE("a greeting of another protocol version is refused with a hint", "[mysql][protocol]") {
  Bytes g = mysql8_greeting();
  g[0] = 9;
  CHECK_THROWS_AS(parse_initial_handshake(g), Error);
  CHECK_THROWS_AS(parse_initial_handshake(unhex("0a3800")), Error);  // truncated
}

TEST_CASE("we ask only for capabilities the server has, SSL and schema only when used",
          "[mysql][protocol]") {
  const uint32_t mariadb = 0x81FFF7FEU;
  const uint32_t plain = negotiate_capabilities(mariadb, false, false);
  CHECK((plain & cap::kProtocol41) != 0);
  CHECK((plain & cap::kSecureConnection) != 0);
  CHECK((plain & cap::kPluginAuth) != 0);
  CHECK((plain & cap::kPluginAuthLenencClientData) != 0);
  CHECK((plain & cap::kLongPassword) == 0);  // the server cleared it
  CHECK((plain & cap::kSsl) == 0);
  CHECK((plain & cap::kConnectWithDb) == 0);
  CHECK((plain & cap::kDeprecateEof) == 0);
  CHECK((plain & cap::kSessionTrack) == 0);
  CHECK((plain & cap::kLocalFiles) == 0);
  CHECK((plain & cap::kMultiStatements) == 0);
  CHECK((plain & cap::kCompress) == 0);
  const uint32_t all = negotiate_capabilities(0xFFFFFFFFU, true, true);
  CHECK((all & cap::kSsl) != 0);
  CHECK((all & cap::kConnectWithDb) != 0);
  CHECK((all & cap::kLongPassword) != 0);
}

TEST_CASE("the SSLRequest is the 32-byte prefix of the handshake response", "[mysql][protocol]") {
  const uint32_t caps = negotiate_capabilities(0xFFFFFFFFU, true, false);
  const Bytes ssl = build_ssl_request(caps, 1U << 30, 45);
  CHECK(ssl.size() == 32);
  HandshakeResponse r;
  r.capabilities = caps;
  r.max_packet_bytes = 1U << 30;
  r.collation = 45;
  r.user = "cdc";
  r.auth_response = unhex("0102");
  r.auth_plugin = "mysql_native_password";
  const Bytes full = build_handshake_response(r);
  CHECK(Bytes(full.begin(), full.begin() + 32) == ssl);
  WireReader rd(ssl, "test");
  CHECK((rd.u32() & cap::kSsl) != 0);
  CHECK(rd.u32() == (1U << 30));
  CHECK(rd.u8() == 45);
}

TEST_CASE("the handshake response carries user, lenenc auth data, schema, plugin and attributes",
          "[mysql][protocol]") {
  HandshakeResponse r;
  r.capabilities = negotiate_capabilities(0xFFFFFFFFU, false, true);
  r.max_packet_bytes = 0;
  r.collation = 45;
  r.user = "cdc";
  r.auth_response = Bytes(300, 0xAB);  // longer than 255: needs the lenenc form
  r.database = "shop";
  r.auth_plugin = "caching_sha2_password";
  r.attributes = {{"_client_name", "starcdc"}};
  const Bytes b = build_handshake_response(r);
  WireReader rd(b, "test");
  rd.skip(32);
  CHECK(rd.null_terminated() == "cdc");
  CHECK(rd.lenenc_string().size() == 300);
  CHECK(rd.null_terminated() == "shop");
  CHECK(rd.null_terminated() == "caching_sha2_password");
  const std::string_view attrs = rd.lenenc_string();
  WireReader ar(as_bytes(attrs), "attrs");
  CHECK(ar.lenenc_string() == "_client_name");
  CHECK(ar.lenenc_string() == "starcdc");
  CHECK(rd.empty());
}

TEST_CASE("an ERR packet gives errno, SQL state and message", "[mysql][protocol]") {
  // Captured from MariaDB 10.11.19: a wrong password for cdc@127.0.0.1.
  const Bytes err = unhex(
      "ff15042332383030304163636573732064656e69656420666f72207573657220276364632740273132372e"
      "302e302e312720287573696e672070617373776f72643a2059455329");
  REQUIRE(is_err(err));
  const ErrPacket e = parse_err(err);
  CHECK(e.code == 1045);
  CHECK(e.sql_state == "28000");
  CHECK(e.message == "Access denied for user 'cdc'@'127.0.0.1' (using password: YES)");
  CHECK(describe(e) ==
        "error 1045 (28000): Access denied for user 'cdc'@'127.0.0.1' (using password: YES)");
  CHECK(error_kind_for(e.code) == ErrorKind::Refused);
}

TEST_CASE("an ERR sent in place of the greeting has no SQL state", "[mysql][protocol]") {
  Bytes err = unhex("ff1004");  // 1040
  const auto text = as_bytes("Too many connections");
  err.insert(err.end(), text.begin(), text.end());
  const ErrPacket e = parse_err(err);
  CHECK(e.code == 1040);
  CHECK(e.sql_state.empty());
  CHECK(e.message == "Too many connections");
  CHECK(error_kind_for(e.code) == ErrorKind::Transient);
}

TEST_CASE("OK and EOF packets are told apart from rows", "[mysql][protocol]") {
  const Bytes ok = unhex("00 fc1027 05 0200 0100 696e666f");
  REQUIRE(is_ok(ok));
  const OkPacket o = parse_ok(ok);
  CHECK(o.affected_rows == 10000);
  CHECK(o.last_insert_id == 5);
  CHECK(o.status == 2);
  CHECK(o.warnings == 1);
  CHECK(o.info == "info");
  const Bytes eof = unhex("fe 0000 0200");
  CHECK(is_eof(eof));
  CHECK(parse_eof(eof).status == 2);
  // A text row whose first field is 16 MiB or longer also starts with 0xFE, but is long.
  Bytes row = unhex("fe0000000100000000");
  row.resize(row.size() + 10, 'x');
  CHECK_FALSE(is_eof(row));
}

TEST_CASE("server errors map to refusals or transient failures", "[mysql][protocol]") {
  CHECK(error_kind_for(errc::kMasterFatalReadingBinlog) == ErrorKind::Refused);
  CHECK(error_kind_for(errc::kAccessDenied) == ErrorKind::Refused);
  CHECK(error_kind_for(errc::kSpecificAccessDenied) == ErrorKind::Refused);
  CHECK(error_kind_for(errc::kServerShutdown) == ErrorKind::Transient);
  CHECK(error_kind_for(errc::kConnectionKilled) == ErrorKind::Transient);
  CHECK(error_kind_for(1213) == ErrorKind::Transient);
}

}  // namespace starcdc::mysql::protocol
