#include "sources/mysql/protocol/commands.hpp"

#include <algorithm>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"

namespace starcdc::mysql::protocol {
namespace {

constexpr size_t kMaxShortString = 255;

// One length byte + bytes, truncated to 255 (COM_REGISTER_SLAVE's string fields).
void short_string(WireWriter& w, std::string_view s) {
  const size_t n = std::min(s.size(), kMaxShortString);
  w.u8(static_cast<uint8_t>(n));
  w.chars(s.substr(0, n));
}

}  // namespace

Bytes com_query(std::string_view sql) {
  Bytes out;
  out.reserve(1 + sql.size());
  WireWriter w(out);
  w.u8(command::kQuery);
  w.chars(sql);
  return out;
}

Bytes com_ping() { return Bytes{command::kPing}; }

Bytes com_quit() { return Bytes{command::kQuit}; }

Bytes com_register_slave(const RegisterReplica& r) {
  // MariaDB docs "COM_REGISTER_SLAVE"; MySQL sql/rpl_source.cc register_replica(): server_id,
  // host, user, password, port, replication rank (ignored), master id (0: the server fills
  // in its own).
  Bytes out;
  WireWriter w(out);
  w.u8(command::kRegisterSlave);
  w.u32(r.server_id);
  short_string(w, r.host);
  short_string(w, r.user);
  short_string(w, r.password);
  w.u16(r.port);
  w.u32(0);  // replication rank
  w.u32(0);  // master id
  return out;
}

Bytes com_binlog_dump(const BinlogDump& d) {
  // int<1> 0x12, int<4> position, int<2> flags, int<4> server id, file name to the end.
  Bytes out;
  WireWriter w(out);
  w.u8(command::kBinlogDump);
  w.u32(d.position);
  w.u16(d.flags);
  w.u32(d.server_id);
  w.chars(d.file);
  return out;
}

Bytes com_binlog_dump_gtid(const BinlogDumpGtid& d) {
  // MySQL sql/rpl_source.cc com_binlog_dump_gtid(): int<2> flags, int<4> server id, int<4>
  // name length, name, int<8> position, int<4> GTID data length, GTID data. The server reads the
  // data length and data whatever the flags say, so they are always sent.
  if (d.file.size() > UINT32_MAX || d.gtid_set.size() > UINT32_MAX) {
    throw Error(ErrorKind::Internal, "COM_BINLOG_DUMP_GTID argument too long");
  }
  Bytes out;
  WireWriter w(out);
  w.u8(command::kBinlogDumpGtid);
  w.u16(d.flags);
  w.u32(d.server_id);
  w.u32(static_cast<uint32_t>(d.file.size()));
  w.chars(d.file);
  w.u64(d.position);
  w.u32(static_cast<uint32_t>(d.gtid_set.size()));
  w.bytes(d.gtid_set);
  return out;
}

}  // namespace starcdc::mysql::protocol
