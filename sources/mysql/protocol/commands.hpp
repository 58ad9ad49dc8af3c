// Command packets (payloads; sequence id 0): COM_QUERY, COM_PING, COM_QUIT, and the replication
// commands COM_REGISTER_SLAVE, COM_BINLOG_DUMP and COM_BINLOG_DUMP_GTID. Pure encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

// COM_REGISTER_SLAVE: how this replica appears in SHOW SLAVE HOSTS / SHOW REPLICAS.
struct RegisterReplica {
  uint32_t server_id = 0;
  std::string host;  // reported host name (truncated to 255 bytes)
  std::string user;  // reported user (usually empty)
  std::string password;
  uint16_t port = 0;  // reported port
};

// COM_BINLOG_DUMP dump flags.
namespace dump_flag {
// Send an EOF packet at the end of the binlog instead of waiting for new events.
inline constexpr uint16_t kNonBlock = 0x0001;
// MariaDB: also send ANNOTATE_ROWS events. MySQL reads the same bit as "heartbeat v2".
inline constexpr uint16_t kMariadbSendAnnotateRows = 0x0002;
// MySQL COM_BINLOG_DUMP_GTID: the GTID set follows (the server reads it regardless).
inline constexpr uint16_t kThroughGtid = 0x0004;
}  // namespace dump_flag

// COM_BINLOG_DUMP: start at `file`:`position` (MariaDB GTID mode: empty file, position 4 or 0,
// after SET @slave_connect_state). `server_id` must be non-zero and unique among replicas for a
// blocking dump.
struct BinlogDump {
  std::string file;
  uint32_t position = 4;
  uint16_t flags = 0;
  uint32_t server_id = 0;
};

// COM_BINLOG_DUMP_GTID (MySQL auto-position): `gtid_set` is the encoded GTID set (the binary
// form of PREVIOUS_GTIDS: n_sids, then per SID the UUID and its end-exclusive intervals).
struct BinlogDumpGtid {
  std::string file;  // empty: the server finds the first binlog needed
  uint64_t position = 4;
  uint16_t flags = dump_flag::kThroughGtid;
  uint32_t server_id = 0;
  Bytes gtid_set;
};

Bytes com_query(std::string_view sql);
Bytes com_ping();
Bytes com_quit();
Bytes com_register_slave(const RegisterReplica& r);
Bytes com_binlog_dump(const BinlogDump& d);
Bytes com_binlog_dump_gtid(const BinlogDumpGtid& d);

}  // namespace starcdc::mysql::protocol
