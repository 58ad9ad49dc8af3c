#include "sources/mysql/server_session.hpp"

#include <algorithm>
#include <random>

#include "pipeline/common/error.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sources/mysql/mysql_events.hpp"
#include "sources/mysql/position/gtid_set.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/packets.hpp"

namespace starcdc::mysql {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string random_uuid() {
  std::random_device rd;
  char b[37];
  const uint32_t a = rd();
  const uint32_t c = rd();
  const uint32_t d = rd();
  const uint32_t e = rd();
  std::snprintf(b, sizeof b, "%08x-%04x-4%03x-%04x-%04x%08x", a, c & 0xffff, (c >> 16) & 0xfff,
                (d & 0x3fff) | 0x8000, d >> 16, e);
  return b;
}

protocol::SslMode to_protocol(SslMode m) {
  switch (m) {
    case SslMode::Disabled:
      return protocol::SslMode::Disabled;
    case SslMode::Required:
      return protocol::SslMode::Required;
    case SslMode::VerifyCa:
      return protocol::SslMode::VerifyCa;
    case SslMode::VerifyIdentity:
      return protocol::SslMode::VerifyIdentity;
    case SslMode::Preferred:
      break;
  }
  return protocol::SslMode::Preferred;
}

[[noreturn]] void privilege_refused(const protocol::ServerError& e, const MysqlSettings& s,
                                    const char* what) {
  throw Error(ErrorKind::Refused, std::string("the server refused ") + what + ": " + e.what(),
              s.username + "@" + s.host + ":" + std::to_string(s.port),
              "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user (MariaDB 10.5+: "
              "REPLICATION SLAVE, BINLOG MONITOR), and SELECT on the captured tables");
}

bool access_denied(const protocol::ServerError& e) {
  return e.code() == 1227 || e.code() == 1044 || e.code() == 1045 || e.code() == 1142;
}

// SHOW MASTER STATUS, or SHOW BINARY LOG STATUS on servers that dropped the old name.
asio::awaitable<protocol::ResultSet> binlog_status(protocol::Connection& c,
                                                   const MysqlSettings& s) {
  std::optional<protocol::ServerError> denied;
  try {
    co_return co_await c.query("SHOW MASTER STATUS");
  } catch (const protocol::ServerError& e) {
    if (access_denied(e)) {
      denied = e;
    } else if (e.code() != 1064) {
      throw;
    }
  }
  if (denied) {
    privilege_refused(*denied, s, "SHOW MASTER STATUS");
  }
  co_return co_await c.query("SHOW BINARY LOG STATUS");
}

}  // namespace

asio::awaitable<std::unique_ptr<protocol::Connection>> connect_source(asio::io_context& io,
                                                                      const MysqlSettings& s) {
  protocol::ConnectOptions o;
  o.host = s.host;
  o.port = s.port;
  o.user = s.username;
  o.password = Secret(s.password);
  o.ssl_mode = to_protocol(s.ssl_mode);
  o.ssl_ca = s.ssl_ca;
  o.ssl_cert = s.ssl_cert;
  o.ssl_key = s.ssl_key;
  o.server_public_key_file = s.server_public_key;
  o.connect_timeout = s.connect_timeout;
  // A binlog connection hears at least a heartbeat per period; three silent periods mean it is
  // dead. Without heartbeats, wait as long as it takes.
  o.read_timeout =
      s.heartbeat_interval.count() > 0 ? s.heartbeat_interval * 3 : std::chrono::milliseconds(0);
  auto c = std::make_unique<protocol::Connection>(io);
  co_await c->connect(std::move(o));
  mysql_events::connected(c->options().endpoint(), c->server().version, c->server().tls,
                          c->server().auth_plugin);
  co_return c;
}

asio::awaitable<ServerFacts> inspect_server(protocol::Connection& c, const MysqlSettings& s) {
  ServerFacts f;
  f.mariadb = c.server().mariadb;
  f.version = c.server().version;
  const std::string where = c.options().endpoint();
  auto vars = co_await c.query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id', 'log_bin', 'binlog_format', "
      "'binlog_row_image', 'binlog_row_metadata', 'binlog_checksum', 'gtid_mode', "
      "'binlog_row_value_options')");
  auto get = [&](const char* name) -> std::string {
    for (const auto& row : vars.rows) {
      if (row.size() >= 2 && row[0] && upper(*row[0]) == upper(name)) {
        return row[1].value_or("");
      }
    }
    return "";
  };
  f.server_id =
      static_cast<uint32_t>(std::stoul(get("server_id").empty() ? "0" : get("server_id")));
  if (upper(get("log_bin")) != "ON" && get("log_bin") != "1") {
    throw Error(ErrorKind::Refused, "binary logging is off on the source server", where,
                "start the server with log_bin (and binlog_format=ROW, binlog_row_image=FULL, "
                "binlog_row_metadata=FULL)");
  }
  if (upper(get("binlog_format")) != "ROW") {
    throw Error(ErrorKind::Refused,
                "binlog_format is " + get("binlog_format") + "; row changes need ROW", where,
                "SET GLOBAL binlog_format = 'ROW' (and in the server's configuration); sessions "
                "already open keep their format until they reconnect");
  }
  f.row_image = upper(get("binlog_row_image"));
  if (!f.row_image.empty() && f.row_image != "FULL") {
    mysql_events::setting_warning(
        "binlog_row_image", f.row_image,
        "updates carry only some columns: they become StarRocks partial updates, deletes need "
        "the key; set FULL to carry every column");
  }
  f.row_metadata = upper(get("binlog_row_metadata"));
  if (f.row_metadata != "FULL") {
    mysql_events::setting_warning(
        "binlog_row_metadata", f.row_metadata.empty() ? "unsupported" : f.row_metadata,
        "column names and keys are read from information_schema, which may describe a newer "
        "schema than the events being read; set FULL");
  }
  if (!get("binlog_row_value_options").empty()) {
    mysql_events::setting_warning("binlog_row_value_options", get("binlog_row_value_options"),
                                  "JSON updates are logged as diffs; set it to ''");
  }
  f.checksum_crc32 = upper(get("binlog_checksum")) == "CRC32";
  f.gtid_mode = f.mariadb || upper(get("gtid_mode")) == "ON";
  (void)s;
  co_return f;
}

asio::awaitable<BinlogPosition> startup_position(protocol::Connection& c, const MysqlSettings& s,
                                                 const ServerFacts& facts) {
  BinlogPosition p;
  p.server_id = facts.server_id;
  const std::string where = c.options().endpoint();
  switch (s.startup) {
    case StartupMode::SpecificOffset:
      p.file = s.specific_file;
      p.offset = s.specific_pos;
      p.gtids = s.specific_gtids;
      if (p.file.empty()) {
        p.server_id = 0;  // by GTID only
      }
      co_return p;
    case StartupMode::EarliestOffset:
    case StartupMode::Timestamp: {
      protocol::ResultSet logs;
      try {
        logs = co_await c.query("SHOW BINARY LOGS");
      } catch (const protocol::ServerError& e) {
        if (access_denied(e)) {
          privilege_refused(e, s, "SHOW BINARY LOGS");
        }
        throw;
      }
      if (logs.rows.empty() || !logs.rows[0][0]) {
        throw Error(ErrorKind::Refused, "the server lists no binary logs", where,
                    "enable log_bin on the source server");
      }
      p.file = *logs.rows[0][0];
      p.offset = 4;
      co_return p;
    }
    default:
      break;
  }
  // latest-offset (and the binlog side of initial / snapshot).
  auto status = co_await binlog_status(c, s);
  if (status.rows.empty()) {
    throw Error(ErrorKind::Refused, "the server reports no binary log position", where,
                "enable log_bin on the source server");
  }
  p.file = status.value(0, "File").value_or("");
  p.offset = std::stoull(status.value(0, "Position").value_or("4"));
  if (facts.mariadb) {
    auto g = co_await c.query("SELECT BINLOG_GTID_POS(" + sql_string_literal(p.file) + ", " +
                              std::to_string(p.offset) + ")");
    if (!g.rows.empty() && !g.rows[0].empty() && g.rows[0][0]) {
      p.gtids = *g.rows[0][0];
    }
  } else if (facts.gtid_mode) {
    p.gtids = status.value(0, "Executed_Gtid_Set").value_or("");
    p.gtids.erase(std::remove(p.gtids.begin(), p.gtids.end(), '\n'), p.gtids.end());
  }
  co_return p;
}

asio::awaitable<std::string> start_dump(protocol::Connection& c, protocol::BinlogStream& stream,
                                        const MysqlSettings& s, const ServerFacts& facts,
                                        const BinlogPosition& from) {
  const std::string where = c.options().endpoint();
  co_await c.query(
      "SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = "
      "@@global.binlog_checksum");
  if (s.heartbeat_interval.count() > 0) {
    const std::string ns = std::to_string(s.heartbeat_interval.count() * 1000000LL);
    co_await c.query("SET @master_heartbeat_period = " + ns + ", @source_heartbeat_period = " + ns);
  }
  const std::string uuid = random_uuid();
  co_await c.query("SET @slave_uuid = '" + uuid + "', @replica_uuid = '" + uuid + "'");
  if (facts.mariadb) {
    co_await c.query("SET @mariadb_slave_capability = 4");
  }
  try {
    protocol::RegisterReplica r;
    r.server_id = s.server_id;
    r.host = "starcdc";
    co_await c.register_replica(r);
  } catch (const protocol::ServerError& e) {
    if (access_denied(e)) {
      privilege_refused(e, s, "replica registration");
    }
    throw;
  }

  const bool other_server = from.server_id != 0 && from.server_id != facts.server_id;
  if (other_server && from.gtids.empty()) {
    throw Error(ErrorKind::Refused,
                "the checkpoint was taken on server id " + std::to_string(from.server_id) +
                    " but this server is id " + std::to_string(facts.server_id) +
                    ", and the checkpoint holds no GTIDs to find the position here",
                where,
                "point the pipeline back at the original server, or enable GTIDs (MySQL "
                "gtid_mode=ON) before failing over");
  }
  const bool by_gtid = from.file.empty() || other_server;
  std::string mode = "file/position";
  std::string at = from.where();
  if (by_gtid && facts.mariadb) {
    std::string err;
    if (!MariaGtidList::parse(from.gtids, &err)) {
      throw Error(ErrorKind::Config, "not a MariaDB GTID position: " + err, from.gtids);
    }
    co_await c.query("SET @slave_connect_state = " + sql_string_literal(from.gtids) +
                     ", @slave_gtid_strict_mode = 0, @slave_gtid_ignore_duplicates = 0");
    protocol::BinlogDump d;
    d.file = "";
    d.position = 4;
    d.server_id = s.server_id;
    co_await stream.start(d);
    mode = "gtid";
    at = from.gtids;
  } else if (by_gtid) {
    if (!facts.gtid_mode) {
      throw Error(ErrorKind::Refused, "a GTID start needs gtid_mode=ON on the server", where,
                  "enable GTIDs, or start from a file and position");
    }
    std::string err;
    auto set = MysqlGtidSet::parse(from.gtids, &err);
    if (!set) {
      throw Error(ErrorKind::Config, "not a MySQL GTID set: " + err, from.gtids);
    }
    protocol::BinlogDumpGtid d;
    d.server_id = s.server_id;
    const std::string enc = set->encode();
    d.gtid_set.assign(enc.begin(), enc.end());
    co_await stream.start_gtid(d);
    mode = "gtid";
    at = from.gtids;
  } else {
    protocol::BinlogDump d;
    d.file = from.file;
    d.position = static_cast<uint32_t>(from.offset);
    d.server_id = s.server_id;
    co_await stream.start(d);
  }
  mysql_events::dump_started(mode, at, s.server_id);
  co_return mode;
}

}  // namespace starcdc::mysql
