// Generic server responses: OK, ERR and EOF packets, and ServerError, the exception that carries
// an ERR packet (errno, SQL state, message) with what we were doing and where.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

struct OkPacket {
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  uint16_t status = 0;
  uint16_t warnings = 0;
  std::string info;
};

struct ErrPacket {
  uint16_t code = 0;
  std::string sql_state;  // five characters, empty before the 4.1 protocol
  std::string message;
};

struct EofPacket {
  uint16_t warnings = 0;
  uint16_t status = 0;
};

bool is_ok(ByteView payload);
bool is_err(ByteView payload);
// Classic EOF: 0xFE and shorter than 9 bytes (a text row starting with 0xFE is longer).
bool is_eof(ByteView payload);

// Parses an OK packet (header 0x00, or 0xFE when it ends a result set). Session-state data is
// not parsed (CLIENT_SESSION_TRACK is never requested).
OkPacket parse_ok(ByteView payload);
// Parses an ERR packet (header 0xFF, errno, '#' + SQL state, message).
ErrPacket parse_err(ByteView payload);
EofPacket parse_eof(ByteView payload);

// How the run should react to a server error code: Refused for access, privilege and replication
// position problems (1236), Transient for overload, shutdown, timeouts and killed connections,
// Refused for anything else the server rejects.
ErrorKind error_kind_for(uint16_t code);

// "error 1045 (28000): Access denied for user ..."
std::string describe(const ErrPacket& err);

// An ERR packet from the server. what() is the full sentence (what we did, where, the server's
// errno, state and text); code() lets callers react to specific errors (1236, 1193...).
class ServerError : public Error {
 public:
  ServerError(ErrorKind kind, ErrPacket err, const std::string& message, std::string where,
              std::string hint = {})
      : Error(kind, message, std::move(where), std::move(hint)), err_(std::move(err)) {}

  uint16_t code() const { return err_.code; }
  const std::string& sql_state() const { return err_.sql_state; }
  const std::string& server_message() const { return err_.message; }
  const ErrPacket& packet() const { return err_; }

 private:
  ErrPacket err_;
};

// Well-known server error codes (MySQL include/mysqld_error.h; the same numbers in MariaDB).
namespace errc {
inline constexpr uint16_t kConCount = 1040;              // ER_CON_COUNT_ERROR: too many connections
inline constexpr uint16_t kDbAccessDenied = 1044;        // ER_DBACCESS_DENIED_ERROR
inline constexpr uint16_t kAccessDenied = 1045;          // ER_ACCESS_DENIED_ERROR
inline constexpr uint16_t kUnknownCommand = 1047;        // ER_UNKNOWN_COM_ERROR
inline constexpr uint16_t kServerShutdown = 1053;        // ER_SERVER_SHUTDOWN
inline constexpr uint16_t kHostBlocked = 1129;           // ER_HOST_IS_BLOCKED
inline constexpr uint16_t kHostNotPrivileged = 1130;     // ER_HOST_NOT_PRIVILEGED
inline constexpr uint16_t kSpecificAccessDenied = 1227;  // ER_SPECIFIC_ACCESS_DENIED_ERROR
inline constexpr uint16_t kNotSupportedAuthMode = 1251;  // ER_NOT_SUPPORTED_AUTH_MODE
inline constexpr uint16_t kMasterFatalReadingBinlog = 1236;  // ER_MASTER_FATAL_ERROR_READING_BINLOG
inline constexpr uint16_t kQueryInterrupted = 1317;          // ER_QUERY_INTERRUPTED
inline constexpr uint16_t kConnectionKilled = 1927;          // ER_CONNECTION_KILLED (MariaDB)
}  // namespace errc

}  // namespace starcdc::mysql::protocol
