#include "sources/mysql/protocol/handshake.hpp"

#include <algorithm>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"

namespace starcdc::mysql::protocol {
namespace {

constexpr uint8_t kProtocolVersion10 = 10;
constexpr size_t kScramblePart1Bytes = 8;
constexpr size_t kMinScramblePart2Bytes = 13;
constexpr size_t kReservedBytes = 10;
constexpr size_t kMariadbReservedZeros = 6;
// SSLRequest / HandshakeResponse41 filler: 23 bytes, of which MariaDB reads the last 4 as the
// client's extended capabilities when CLIENT_MYSQL is not set (MariaDB docs, "Connection").
constexpr size_t kResponseFillerBytes = 19;

}  // namespace

bool InitialHandshake::is_mariadb() const {
  return server_version.find("MariaDB") != std::string::npos;
}

InitialHandshake parse_initial_handshake(ByteView payload) {
  WireReader r(payload, "initial handshake");
  InitialHandshake h;
  h.protocol_version = r.u8();
  if (h.protocol_version != kProtocolVersion10) {
    throw Error(
        ErrorKind::Refused,
        "server speaks handshake protocol " + std::to_string(h.protocol_version) + ", not 10", {},
        "is this the MySQL classic protocol port (not the X Protocol port 33060)?");
  }
  h.server_version = std::string(r.null_terminated());
  h.connection_id = r.u32();
  const ByteView part1 = r.bytes(kScramblePart1Bytes);
  h.scramble.assign(part1.begin(), part1.end());
  r.skip(1);  // filler
  h.capabilities = r.u16();
  if (r.empty()) {
    return h;
  }
  h.collation = r.u8();
  h.status = r.u16();
  h.capabilities |= static_cast<uint32_t>(r.u16()) << 16;
  const uint8_t auth_data_len = r.u8();
  const ByteView reserved = r.bytes(kReservedBytes);
  if ((h.capabilities & cap::kLongPassword) == 0) {
    WireReader ext(reserved.subspan(kMariadbReservedZeros), "initial handshake");
    h.mariadb_capabilities = ext.u32();
  }
  if ((h.capabilities & cap::kSecureConnection) != 0) {
    const size_t part2_len =
        std::max(kMinScramblePart2Bytes,
                 auth_data_len > kScramblePart1Bytes ? auth_data_len - kScramblePart1Bytes : 0);
    ByteView part2 = r.bytes(std::min(part2_len, r.remaining()));
    // The scramble is NUL-terminated on the wire; the NUL is not part of the nonce.
    if (!part2.empty() && part2.back() == 0) {
      part2 = part2.first(part2.size() - 1);
    }
    h.scramble.insert(h.scramble.end(), part2.begin(), part2.end());
  }
  if ((h.capabilities & cap::kPluginAuth) != 0) {
    // Some MySQL 5.5 builds omit the final NUL (MySQL bug #59453).
    h.auth_plugin = std::string(r.null_terminated_or_rest());
  }
  return h;
}

uint32_t negotiate_capabilities(uint32_t server_capabilities, bool tls, bool with_database) {
  uint32_t wanted = cap::kLongPassword | cap::kLongFlag | cap::kProtocol41 | cap::kTransactions |
                    cap::kSecureConnection | cap::kPluginAuth | cap::kPluginAuthLenencClientData |
                    cap::kConnectAttrs;
  if (tls) {
    wanted |= cap::kSsl;
  }
  if (with_database) {
    wanted |= cap::kConnectWithDb;
  }
  return wanted & server_capabilities;
}

namespace {

void write_prefix(WireWriter& w, uint32_t capabilities, uint32_t max_packet_bytes,
                  uint8_t collation) {
  w.u32(capabilities);
  w.u32(max_packet_bytes);
  w.u8(collation);
  w.zeros(kResponseFillerBytes);
  w.u32(0);  // MariaDB extended client capabilities: none requested
}

}  // namespace

Bytes build_ssl_request(uint32_t capabilities, uint32_t max_packet_bytes, uint8_t collation) {
  Bytes out;
  WireWriter w(out);
  write_prefix(w, capabilities | cap::kSsl, max_packet_bytes, collation);
  return out;
}

Bytes build_handshake_response(const HandshakeResponse& resp) {
  Bytes out;
  WireWriter w(out);
  write_prefix(w, resp.capabilities, resp.max_packet_bytes, resp.collation);
  w.null_terminated(resp.user);
  if ((resp.capabilities & cap::kPluginAuthLenencClientData) != 0) {
    w.lenenc_bytes(resp.auth_response);
  } else {
    if (resp.auth_response.size() > 255) {
      throw Error(ErrorKind::Internal, "authentication response too long for the server");
    }
    w.u8(static_cast<uint8_t>(resp.auth_response.size()));
    w.bytes(resp.auth_response);
  }
  if ((resp.capabilities & cap::kConnectWithDb) != 0) {
    w.null_terminated(resp.database);
  }
  if ((resp.capabilities & cap::kPluginAuth) != 0) {
    w.null_terminated(resp.auth_plugin);
  }
  if ((resp.capabilities & cap::kConnectAttrs) != 0) {
    Bytes attrs;
    WireWriter a(attrs);
    for (const auto& [key, value] : resp.attributes) {
      a.lenenc_string(key);
      a.lenenc_string(value);
    }
    w.lenenc_bytes(attrs);
  }
  return out;
}

}  // namespace starcdc::mysql::protocol
