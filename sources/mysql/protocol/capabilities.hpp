// Capability flags, status flags, command bytes and packet headers of the MySQL client protocol.
// Values: MySQL include/mysql_com.h, MariaDB docs "Connection" (capability table), and the
// replication command pages (COM_REGISTER_SLAVE, COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID).
#pragma once

#include <cstdint>

namespace starcdc::mysql::protocol {

namespace cap {
// CLIENT_LONG_PASSWORD in MySQL; MariaDB names the bit CLIENT_MYSQL and clears it in its
// greeting to say "MariaDB, with extended capabilities in the filler".
inline constexpr uint32_t kLongPassword = 0x00000001;
inline constexpr uint32_t kFoundRows = 0x00000002;
inline constexpr uint32_t kLongFlag = 0x00000004;
inline constexpr uint32_t kConnectWithDb = 0x00000008;
inline constexpr uint32_t kNoSchema = 0x00000010;
inline constexpr uint32_t kCompress = 0x00000020;
inline constexpr uint32_t kLocalFiles = 0x00000080;
inline constexpr uint32_t kProtocol41 = 0x00000200;
inline constexpr uint32_t kInteractive = 0x00000400;
inline constexpr uint32_t kSsl = 0x00000800;
inline constexpr uint32_t kTransactions = 0x00002000;
inline constexpr uint32_t kSecureConnection = 0x00008000;
inline constexpr uint32_t kMultiStatements = 0x00010000;
inline constexpr uint32_t kMultiResults = 0x00020000;
inline constexpr uint32_t kPsMultiResults = 0x00040000;
inline constexpr uint32_t kPluginAuth = 0x00080000;
inline constexpr uint32_t kConnectAttrs = 0x00100000;
inline constexpr uint32_t kPluginAuthLenencClientData = 0x00200000;
inline constexpr uint32_t kSessionTrack = 0x00800000;
inline constexpr uint32_t kDeprecateEof = 0x01000000;
}  // namespace cap

// Server status flags carried by OK and EOF packets.
namespace status {
inline constexpr uint16_t kMoreResultsExist = 0x0008;
}  // namespace status

// First byte of a server response.
namespace header {
inline constexpr uint8_t kOk = 0x00;
inline constexpr uint8_t kAuthMoreData = 0x01;
inline constexpr uint8_t kLocalInfile = 0xFB;
inline constexpr uint8_t kEof = 0xFE;  // also AuthSwitchRequest during authentication
inline constexpr uint8_t kErr = 0xFF;
}  // namespace header

// Command bytes.
namespace command {
inline constexpr uint8_t kQuit = 0x01;            // COM_QUIT
inline constexpr uint8_t kQuery = 0x03;           // COM_QUERY
inline constexpr uint8_t kPing = 0x0E;            // COM_PING
inline constexpr uint8_t kBinlogDump = 0x12;      // COM_BINLOG_DUMP
inline constexpr uint8_t kRegisterSlave = 0x15;   // COM_REGISTER_SLAVE
inline constexpr uint8_t kBinlogDumpGtid = 0x1E;  // COM_BINLOG_DUMP_GTID (MySQL)
}  // namespace command

// Largest payload of one frame; a payload of this size or more continues in the next frame.
inline constexpr uint32_t kMaxFramePayload = 0xFFFFFF;

}  // namespace starcdc::mysql::protocol
