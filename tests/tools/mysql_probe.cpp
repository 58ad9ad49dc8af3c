// mysql_probe: drives the protocol client (sources/mysql/protocol) against a real server for the
// integration tests. Connects with the options given, runs queries, optionally registers as a
// replica and dumps binlog events, and prints one line per result on stdout:
//   connected version=... mariadb=0|1 plugin=... tls=... connection_id=...
//   columns<TAB>name...        row<TAB>value|\N...        ok affected=N
//   event type=T size=N event_size=N next_pos=N flags=N      eof events=N
//   (--dump-gtid sends COM_BINLOG_DUMP_GTID, which only MySQL knows)
//   ed25519_public_key BASE64
//   error kind=K code=N where=W message=M        (exit code: the kind's exit code)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/auth_ed25519.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/packets.hpp"

namespace starcdc::mysql::protocol {
namespace {

struct Args {
  ConnectOptions connect;
  std::vector<std::string> queries;
  bool ping = false;
  std::optional<uint32_t> register_id;
  std::string dump_file;
  uint32_t dump_pos = 4;
  bool dump = false;
  std::optional<Bytes> dump_gtid_set;  // COM_BINLOG_DUMP_GTID with this encoded set
  uint32_t server_id = 0;
  uint64_t max_events = 0;  // 0 = until EOF
  bool non_block = false;
  std::optional<std::string> ed25519_password;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "mysql_probe: %s\n"
               "usage: mysql_probe --host H --port P --user U [--password PW] [--database DB]\n"
               "  [--ssl-mode MODE] [--ssl-ca F] [--ssl-cert F --ssl-key F]\n"
               "  [--server-public-key F] [--no-public-key-retrieval]\n"
               "  [--connect-timeout-ms N] [--read-timeout-ms N]\n"
               "  [--query SQL]... [--long-query-bytes N] [--ping] [--register SERVER_ID]\n"
               "  [--dump FILE:POS | --dump-gtid HEX_GTID_SET] --server-id N [--events N]\n"
               "  [--non-block]\n"
               "  [--ed25519-public-key PASSWORD]   (no connection)\n",
               why);
  std::exit(2);
}

uint64_t number(const char* s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (end == s || *end != '\0') {
    usage("not a number");
  }
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage(("missing value for " + flag).c_str());
      }
      return argv[++i];
    };
    if (flag == "--host") {
      a.connect.host = value();
    } else if (flag == "--port") {
      a.connect.port = static_cast<uint16_t>(number(value()));
    } else if (flag == "--user") {
      a.connect.user = value();
    } else if (flag == "--password") {
      a.connect.password = Secret(value());
    } else if (flag == "--database") {
      a.connect.database = value();
    } else if (flag == "--ssl-mode") {
      const auto mode = parse_ssl_mode(value());
      if (!mode) {
        usage("unknown ssl-mode");
      }
      a.connect.ssl_mode = *mode;
    } else if (flag == "--ssl-ca") {
      a.connect.ssl_ca = value();
    } else if (flag == "--ssl-cert") {
      a.connect.ssl_cert = value();
    } else if (flag == "--ssl-key") {
      a.connect.ssl_key = value();
    } else if (flag == "--server-public-key") {
      a.connect.server_public_key_file = value();
    } else if (flag == "--no-public-key-retrieval") {
      a.connect.allow_public_key_retrieval = false;
    } else if (flag == "--connect-timeout-ms") {
      a.connect.connect_timeout = std::chrono::milliseconds(number(value()));
    } else if (flag == "--read-timeout-ms") {
      a.connect.read_timeout = std::chrono::milliseconds(number(value()));
    } else if (flag == "--query") {
      a.queries.emplace_back(value());
    } else if (flag == "--long-query-bytes") {
      // SELECT LENGTH('xxx...') with N x's: a command larger than one 16 MiB frame.
      a.queries.push_back("SELECT LENGTH('" + std::string(number(value()), 'x') + "')");
    } else if (flag == "--ping") {
      a.ping = true;
    } else if (flag == "--register") {
      a.register_id = static_cast<uint32_t>(number(value()));
    } else if (flag == "--dump") {
      const std::string spec = value();
      const auto colon = spec.rfind(':');
      if (colon == std::string::npos) {
        usage("--dump wants FILE:POS");
      }
      a.dump = true;
      a.dump_file = spec.substr(0, colon);
      a.dump_pos = static_cast<uint32_t>(number(spec.c_str() + colon + 1));
    } else if (flag == "--dump-gtid") {
      const std::string hex = value();
      Bytes set;
      for (size_t j = 0; j + 1 < hex.size(); j += 2) {
        set.push_back(static_cast<uint8_t>(std::stoul(hex.substr(j, 2), nullptr, 16)));
      }
      a.dump = true;
      a.dump_gtid_set = std::move(set);
    } else if (flag == "--server-id") {
      a.server_id = static_cast<uint32_t>(number(value()));
    } else if (flag == "--events") {
      a.max_events = number(value());
    } else if (flag == "--non-block") {
      a.non_block = true;
    } else if (flag == "--ed25519-public-key") {
      a.ed25519_password = value();
    } else {
      usage(("unknown option " + flag).c_str());
    }
  }
  return a;
}

std::string base64_unpadded(const uint8_t* data, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) {
    out += kAlphabet[(acc << (6 - bits)) & 63];
  }
  return out;
}

uint32_t le32(ByteView b, size_t at) {
  return uint32_t{b[at]} | (uint32_t{b[at + 1]} << 8) | (uint32_t{b[at + 2]} << 16) |
         (uint32_t{b[at + 3]} << 24);
}

void print_result(const ResultSet& rs) {
  if (rs.columns.empty()) {
    std::printf("ok affected=%llu\n", static_cast<unsigned long long>(rs.ok.affected_rows));
    return;
  }
  std::string line = "columns";
  for (const auto& c : rs.columns) {
    line += "\t" + c.name;
  }
  std::printf("%s\n", line.c_str());
  for (const auto& row : rs.rows) {
    line = "row";
    for (const auto& v : row) {
      line += "\t" + (v ? *v : std::string("\\N"));
    }
    std::printf("%s\n", line.c_str());
  }
}

asio::awaitable<void> run(Args args, asio::io_context& io) {
  Connection conn(io);
  co_await conn.connect(args.connect);
  const ServerInfo& s = conn.server();
  std::printf("connected version=%s mariadb=%d plugin=%s tls=%s connection_id=%u\n",
              s.version.c_str(), s.mariadb ? 1 : 0, s.auth_plugin.c_str(),
              s.tls.empty() ? "none" : s.tls.c_str(), s.connection_id);
  std::fflush(stdout);
  for (const auto& q : args.queries) {
    print_result(co_await conn.query(q));
    std::fflush(stdout);
  }
  if (args.ping) {
    co_await conn.ping();
    std::printf("pong\n");
  }
  if (args.register_id) {
    RegisterReplica r;
    r.server_id = *args.register_id;
    r.host = "mysql-probe";
    r.port = 0;
    co_await conn.register_replica(r);
    std::printf("registered server_id=%u\n", *args.register_id);
  }
  if (args.dump) {
    BinlogStream stream(conn);
    const uint16_t non_block = args.non_block ? dump_flag::kNonBlock : uint16_t{0};
    if (args.dump_gtid_set) {
      BinlogDumpGtid d;
      d.file = args.dump_file;
      d.server_id = args.server_id;
      d.flags = static_cast<uint16_t>(dump_flag::kThroughGtid | non_block);
      d.gtid_set = *args.dump_gtid_set;
      co_await stream.start_gtid(d);
    } else {
      BinlogDump d;
      d.file = args.dump_file;
      d.position = args.dump_pos;
      d.server_id = args.server_id;
      d.flags = non_block;
      co_await stream.start(d);
    }
    for (;;) {
      if (args.max_events != 0 && stream.events() >= args.max_events) {
        break;
      }
      const auto ev = co_await stream.next();
      if (!ev) {
        std::printf("eof events=%llu\n", static_cast<unsigned long long>(stream.events()));
        break;
      }
      if (ev->size() < 19) {
        throw Error(ErrorKind::Data, "binlog event shorter than its header");
      }
      std::printf("event type=%u size=%zu event_size=%u next_pos=%u flags=%u\n", (*ev)[4],
                  ev->size(), le32(*ev, 9), le32(*ev, 13),
                  static_cast<unsigned>((*ev)[17] | ((*ev)[18] << 8)));
      std::fflush(stdout);
    }
    conn.close();
    co_return;
  }
  co_await conn.quit();
  std::printf("quit\n");
}

}  // namespace
}  // namespace starcdc::mysql::protocol

int main(int argc, char** argv) {
  using namespace starcdc;                   // NOLINT(google-build-using-namespace)
  using namespace starcdc::mysql::protocol;  // NOLINT(google-build-using-namespace)
  Args args = parse(argc, argv);
  if (args.ed25519_password) {
    const auto key = ed25519_public_key_from_password(*args.ed25519_password);
    std::printf("ed25519_public_key %s\n", base64_unpadded(key.data(), key.size()).c_str());
    return 0;
  }
  asio::io_context io;
  std::exception_ptr failure;
  asio::co_spawn(io, run(std::move(args), io), [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (!failure) {
    return 0;
  }
  try {
    std::rethrow_exception(failure);
  } catch (const ServerError& e) {
    std::printf("error kind=%s code=%u where=%s message=%s\n", error_kind_name(e.kind()), e.code(),
                e.where().c_str(), e.what());
    return exit_code_for(e.kind());
  } catch (const Error& e) {
    std::printf("error kind=%s code=0 where=%s message=%s\n", error_kind_name(e.kind()),
                e.where().c_str(), e.what());
    if (!e.hint().empty()) {
      std::printf("hint %s\n", e.hint().c_str());
    }
    return exit_code_for(e.kind());
  } catch (const std::exception& e) {
    std::printf("error kind=internal code=0 where= message=%s\n", e.what());
    return 1;
  }
}
