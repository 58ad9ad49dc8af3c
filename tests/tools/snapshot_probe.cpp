// snapshot_probe: drives the first snapshot building blocks against a real server for
// integration/mysql_snapshot_parts_test.py, and prints one line per result on stdout:
//   --table DB.T: reads the table chunk by chunk (ChunkPlanner, QueryCursor, TextValueDecoder)
//     plan even=0|1 step=N     chunk id=I low=K|- high=K|-     sql SELECT...     row<TAB>value...
//     done chunks=N rows=M
//   --table DB.T --binlog FILE:POS: instead dumps the binlog from there to its end
//     (non-blocking) and prints the inserted rows of DB.T as the binlog decoder gives them:
//     binlog_row<TAB>value...
//   --zero-dates text: zero dates as MySQL's text instead of NULL, in both.
//   --stream SQL: reads a SELECT through QueryCursor, keeping nothing:
//     streamed rows=N bytes=B max_rss_kb=K
//   error kind=K message=M  (exit code: the kind's exit code)
// Values print in one canonical form: NULL, int:-1, uint:1, double:%.17g, decimal:TEXT,
// string:TEXT, bytes:HEX, json:TEXT, date:DAYS, time|datetime|timestamp:MICROS/SCALE; bytes
// below 0x20 and backslashes in texts as \xNN.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/query_cursor.hpp"
#include "sources/mysql/snapshot/chunk_planner.hpp"
#include "sources/mysql/snapshot/text_values.hpp"

namespace starcdc::mysql {
namespace {

struct Args {
  protocol::ConnectOptions connect;
  std::string database, table;
  uint64_t chunk_rows = 8096;
  std::optional<std::string> chunk_key;
  std::string binlog_file;
  uint32_t binlog_pos = 0;
  uint32_t server_id = 7777;
  std::string stream_sql;
  binlog::DecoderOptions decoding;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "snapshot_probe: %s\n"
               "usage: snapshot_probe --host H --port P --user U [--password PW]\n"
               "  [--table DB.T [--chunk-rows N] [--chunk-key COL] [--binlog FILE:POS]]\n"
               "  [--zero-dates null|text] [--server-id N] [--stream SQL]\n",
               why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      usage(("missing value for " + flag).c_str());
    }
    const std::string v = argv[++i];
    if (flag == "--host") {
      a.connect.host = v;
    } else if (flag == "--port") {
      a.connect.port = static_cast<uint16_t>(std::stoul(v));
    } else if (flag == "--user") {
      a.connect.user = v;
    } else if (flag == "--password") {
      a.connect.password = Secret(v);
    } else if (flag == "--table") {
      const auto dot = v.find('.');
      if (dot == std::string::npos) {
        usage("--table wants DB.T");
      }
      a.database = v.substr(0, dot);
      a.table = v.substr(dot + 1);
    } else if (flag == "--chunk-rows") {
      a.chunk_rows = std::stoull(v);
    } else if (flag == "--chunk-key") {
      a.chunk_key = v;
    } else if (flag == "--binlog") {
      const auto colon = v.rfind(':');
      if (colon == std::string::npos) {
        usage("--binlog wants FILE:POS");
      }
      a.binlog_file = v.substr(0, colon);
      a.binlog_pos = static_cast<uint32_t>(std::stoul(v.substr(colon + 1)));
    } else if (flag == "--server-id") {
      a.server_id = static_cast<uint32_t>(std::stoul(v));
    } else if (flag == "--zero-dates") {
      a.decoding.zero_dates =
          v == "text" ? binlog::ZeroDatePolicy::Text : binlog::ZeroDatePolicy::Null;
    } else if (flag == "--stream") {
      a.stream_sql = v;
    } else {
      usage(("unknown option " + flag).c_str());
    }
  }
  return a;
}

void escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : s) {
    const auto b = static_cast<uint8_t>(ch);
    if (b < 0x20 || ch == '\\') {
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    } else {
      out.push_back(ch);
    }
  }
}

std::string canonical(const Value& v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[64];
  std::string out;
  auto temporal = [&](const char* name) {
    std::snprintf(buf, sizeof buf, "%s:%lld/%u", name, static_cast<long long>(v.i),
                  static_cast<unsigned>(v.scale));
    return std::string(buf);
  };
  switch (v.kind) {
    case ValueKind::Null:
      return "NULL";
    case ValueKind::Bool:
      return v.i != 0 ? "bool:1" : "bool:0";
    case ValueKind::Int:
      return "int:" + std::to_string(v.i);
    case ValueKind::UInt:
      return "uint:" + std::to_string(v.u);
    case ValueKind::Double:
      std::snprintf(buf, sizeof buf, "double:%.17g", v.d);
      return buf;
    case ValueKind::Decimal:
      out = "decimal:";
      escaped(out, v.text());
      return out;
    case ValueKind::String:
      out = "string:";
      escaped(out, v.text());
      return out;
    case ValueKind::Json:
      out = "json:";
      escaped(out, v.text());
      return out;
    case ValueKind::Bytes:
      out = "bytes:";
      for (const char ch : v.text()) {
        out.push_back(kHex[static_cast<uint8_t>(ch) >> 4]);
        out.push_back(kHex[static_cast<uint8_t>(ch) & 15]);
      }
      return out;
    case ValueKind::Date:
      return "date:" + std::to_string(v.i);
    case ValueKind::Time:
      return temporal("time");
    case ValueKind::DateTime:
      return temporal("datetime");
    case ValueKind::Timestamp:
      return temporal("timestamp");
  }
  return "?";
}

std::string key_text(const std::optional<snapshot::KeyTuple>& k) {
  if (!k) {
    return "-";
  }
  std::string out;
  for (const std::string& part : *k) {
    if (!out.empty()) {
      out += ",";
    }
    escaped(out, part);
  }
  return out;
}

asio::awaitable<void> read_table(const Args& args, protocol::Connection& conn) {
  co_await conn.query("SET time_zone = '+00:00'");
  const std::string where = " WHERE TABLE_SCHEMA = " + sql_string_literal(args.database) +
                            " AND TABLE_NAME = " + sql_string_literal(args.table);
  const protocol::ResultSet cols = co_await conn.query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS" + where +
      " ORDER BY ORDINAL_POSITION");
  const protocol::ResultSet pk =
      co_await conn.query("SELECT COLUMN_NAME FROM information_schema.STATISTICS" + where +
                          " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
  binlog::TableMap table;
  table.database = args.database;
  table.table = args.table;
  std::vector<snapshot::KeyColumn> columns;
  std::vector<std::string> names;
  for (const auto& row : cols.rows) {
    columns.push_back({row[0].value_or(""), row[1].value_or(""), row[2].value_or("") == "YES"});
    table.columns.push_back(
        snapshot::column_from_information_schema(columns.back().name, columns.back().column_type));
    names.push_back(snapshot::select_expression(table.columns.back()));
  }
  std::vector<std::string> primary_key;
  for (const auto& row : pk.rows) {
    primary_key.push_back(row[0].value_or(""));
  }
  const TableId id{args.database, args.table};
  snapshot::ChunkOptions options;
  options.chunk_rows = args.chunk_rows;
  snapshot::ChunkPlanner planner(
      id, snapshot::chunk_key_columns(id, columns, primary_key, args.chunk_key), options);
  Arena arena;
  snapshot::TextValueDecoder decoder(args.decoding, arena);
  uint64_t chunks = 0;
  uint64_t rows = 0;
  while (const auto chunk = co_await planner.next_chunk(conn)) {
    if (chunks++ == 0) {
      std::printf("plan even=%d step=%llu\n", planner.evenly_split() ? 1 : 0,
                  static_cast<unsigned long long>(planner.step()));
    }
    std::printf("chunk id=%llu low=%s high=%s\n", static_cast<unsigned long long>(chunk->id),
                key_text(chunk->low).c_str(), key_text(chunk->high).c_str());
    const std::string sql = planner.chunk_sql(*chunk, names);
    std::printf("sql %s\n", sql.c_str());
    protocol::QueryCursor cursor(conn);
    co_await cursor.start(sql);
    while (const protocol::RowView* row = co_await cursor.next()) {
      arena.reset();
      std::string line = "row";
      for (size_t i = 0; i < row->size(); ++i) {
        line += "\t" + canonical(decoder.decode(table, i, (*row)[i]));
      }
      std::printf("%s\n", line.c_str());
      ++rows;
    }
  }
  std::printf("done chunks=%llu rows=%llu\n", static_cast<unsigned long long>(chunks),
              static_cast<unsigned long long>(rows));
}

asio::awaitable<void> read_binlog(const Args& args, protocol::Connection& conn) {
  const protocol::ResultSet rs = co_await conn.query("SELECT @@global.binlog_checksum");
  const bool crc = !rs.rows.empty() && rs.rows[0][0].value_or("") == "CRC32";
  co_await conn.query(
      "SET @master_binlog_checksum = @@global.binlog_checksum, @mariadb_slave_capability = 4");
  binlog::EventDecoder decoder(args.decoding);
  decoder.set_initial_checksum(crc ? binlog::ChecksumAlg::Crc32 : binlog::ChecksumAlg::Off);
  protocol::BinlogStream stream(conn);
  protocol::BinlogDump d;
  d.file = args.binlog_file;
  d.position = args.binlog_pos;
  d.server_id = args.server_id;
  d.flags = protocol::dump_flag::kNonBlock;
  co_await stream.start(d);
  while (const auto ev = co_await stream.next()) {
    const binlog::DecodedEvent e = decoder.decode(*ev);
    const auto* rows = e.as<binlog::RowsEvent>();
    if (rows == nullptr || rows->table == nullptr || rows->kind != binlog::RowsKind::Write ||
        rows->table->database != args.database || rows->table->table != args.table) {
      continue;
    }
    binlog::RowReader reader = decoder.rows(*rows);
    binlog::RowChange change;
    while (reader.next(change)) {
      std::string line = "binlog_row";
      for (const Value& v : change.after.values) {
        line += "\t" + canonical(v);
      }
      std::printf("%s\n", line.c_str());
    }
  }
  conn.close();
}

asio::awaitable<void> stream_query(const Args& args, protocol::Connection& conn) {
  // As the snapshot's readers do: rows already received are taken without a coroutine round.
  protocol::QueryCursor cursor(conn);
  co_await cursor.start(args.stream_sql);
  const size_t columns = cursor.columns().size();
  protocol::RowView fields;
  uint64_t bytes = 0;
  for (;;) {
    protocol::ByteView packet;
    const auto got = cursor.buffered_packet(&packet);
    if (got == protocol::QueryCursor::Buffered::End) {
      break;
    }
    if (got == protocol::QueryCursor::Buffered::Wait) {
      const std::optional<protocol::ByteView> p = co_await cursor.next_packet();
      if (!p) {
        break;
      }
      packet = *p;
    }
    protocol::parse_text_row(packet, columns, fields);
    for (const auto& f : fields) {
      bytes += f ? f->size() : 0;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("streamed rows=%llu bytes=%llu max_rss_kb=%ld\n",
              static_cast<unsigned long long>(cursor.rows()),
              static_cast<unsigned long long>(bytes), usage.ru_maxrss);
}

asio::awaitable<void> run(Args args, asio::io_context& io) {
  if (!args.stream_sql.empty()) {
    protocol::Connection conn(io);
    co_await conn.connect(args.connect);
    co_await stream_query(args, conn);
    co_await conn.quit();
  }
  if (!args.binlog_file.empty()) {
    protocol::Connection conn(io);
    co_await conn.connect(args.connect);
    co_await read_binlog(args, conn);
  } else if (!args.table.empty()) {
    protocol::Connection conn(io);
    co_await conn.connect(args.connect);
    co_await read_table(args, conn);
    co_await conn.quit();
  }
}

}  // namespace
}  // namespace starcdc::mysql

int main(int argc, char** argv) {
  using namespace starcdc;  // NOLINT(google-build-using-namespace)
  mysql::Args args = mysql::parse(argc, argv);
  asio::io_context io;
  std::exception_ptr failure;
  asio::co_spawn(io, mysql::run(std::move(args), io), [&](std::exception_ptr e) { failure = e; });
  io.run();
  std::fflush(stdout);
  if (!failure) {
    return 0;
  }
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    std::printf("error kind=%s message=%s\n", error_kind_name(e.kind()), e.what());
    return exit_code_for(e.kind());
  } catch (const std::exception& e) {
    std::printf("error kind=internal message=%s\n", e.what());
    return 1;
  }
}
