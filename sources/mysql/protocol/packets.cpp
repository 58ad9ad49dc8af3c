#include "sources/mysql/protocol/packets.hpp"

#include "sources/mysql/protocol/capabilities.hpp"

namespace starcdc::mysql::protocol {
namespace {

constexpr size_t kMaxEofBytes = 9;
constexpr size_t kSqlStateBytes = 5;

}  // namespace

bool is_ok(ByteView payload) { return !payload.empty() && payload[0] == header::kOk; }

bool is_err(ByteView payload) { return !payload.empty() && payload[0] == header::kErr; }

bool is_eof(ByteView payload) {
  return !payload.empty() && payload[0] == header::kEof && payload.size() < kMaxEofBytes;
}

OkPacket parse_ok(ByteView payload) {
  WireReader r(payload, "OK");
  const uint8_t h = r.u8();
  if (h != header::kOk && h != header::kEof) {
    r.fail();
  }
  OkPacket ok;
  ok.affected_rows = r.lenenc();
  ok.last_insert_id = r.lenenc();
  // Pre-4.1 servers may stop here; we require 4.1, but be lenient with short packets.
  if (r.remaining() >= 4) {
    ok.status = r.u16();
    ok.warnings = r.u16();
  }
  ok.info = std::string(as_chars(r.rest()));
  return ok;
}

ErrPacket parse_err(ByteView payload) {
  WireReader r(payload, "ERR");
  if (r.u8() != header::kErr) {
    r.fail();
  }
  ErrPacket err;
  err.code = r.u16();
  // With CLIENT_PROTOCOL_41 a '#' and the 5-character SQL state come first. Errors sent before
  // the capabilities are known (e.g. "too many connections" in place of the greeting) lack it.
  if (r.remaining() > kSqlStateBytes && payload[r.position()] == '#') {
    r.skip(1);
    err.sql_state = std::string(as_chars(r.bytes(kSqlStateBytes)));
  }
  err.message = std::string(as_chars(r.rest()));
  return err;
}

EofPacket parse_eof(ByteView payload) {
  WireReader r(payload, "EOF");
  if (r.u8() != header::kEof) {
    r.fail();
  }
  EofPacket eof;
  if (r.remaining() >= 4) {
    eof.warnings = r.u16();
    eof.status = r.u16();
  }
  return eof;
}

ErrorKind error_kind_for(uint16_t code) {
  switch (code) {
    case errc::kConCount:
    case 1041:  // ER_OUT_OF_RESOURCES
    case errc::kServerShutdown:
    case 1152:  // ER_ABORTING_CONNECTION
    case 1158:  // ER_NET_READ_ERROR
    case 1159:  // ER_NET_READ_INTERRUPTED
    case 1160:  // ER_NET_ERROR_ON_WRITE
    case 1161:  // ER_NET_WRITE_INTERRUPTED
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
    case errc::kQueryInterrupted:
    case errc::kConnectionKilled:
    case 1203:  // ER_TOO_MANY_USER_CONNECTIONS
    case 1226:  // ER_USER_LIMIT_REACHED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
      return ErrorKind::Transient;
    default:
      return ErrorKind::Refused;
  }
}

std::string describe(const ErrPacket& err) {
  std::string s = "error " + std::to_string(err.code);
  if (!err.sql_state.empty()) {
    s += " (" + err.sql_state + ")";
  }
  s += ": ";
  s += err.message;
  return s;
}

}  // namespace starcdc::mysql::protocol
