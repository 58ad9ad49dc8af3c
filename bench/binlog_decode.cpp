// bench/binlog's own reader: dumps one binlog file from a live server with starcdc's protocol
// client (non-blocking COM_BINLOG_DUMP from position 4) and, in `decode` mode, decodes every event
// with EventDecoder and walks every row with RowReader, touching each value. `transport` mode
// only receives the events (the client's share of the cost). Stops at the file's closing ROTATE
// (or the end of the binlog) and prints one JSON line: events, rows, bytes, wall and CPU seconds.
// `--local PATH` decodes a binlog file already read into memory instead: the decoder alone.
//   starcdc_bench_binlog_decode HOST PORT USER PASSWORD FILE decode|transport [--no-verify]
//   starcdc_bench_binlog_decode --local PATH [--no-verify]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"
#include "sources/mysql/protocol/binlog_stream.hpp"
#include "sources/mysql/protocol/connection.hpp"

namespace {

using namespace starcdc;         // NOLINT(google-build-using-namespace): a small program
using namespace starcdc::mysql;  // NOLINT(google-build-using-namespace)

constexpr uint32_t kReplicaServerId = 4243;
constexpr uint8_t kRotateEvent = 0x04;  // ROTATE_EVENT
constexpr size_t kTypeOffset = 4;       // timestamp (4), then the type code
constexpr size_t kSizeOffset = 9;       // ... server id (4), then the event size
constexpr size_t kMagicBytes = 4;       // fe 62 69 6e at the start of a binlog file

struct Args {
  protocol::ConnectOptions connect;
  std::string file;
  std::string local;  // --local PATH
  bool decode = true;
  bool verify = true;
};

struct Counts {
  uint64_t events = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t values = 0;
  uint64_t checksum = 0;  // folds every value so nothing is optimized away
};

// The file's own closing ROTATE (not the artificial one a dump starts with, whose timestamp is 0).
bool closing_rotate(protocol::ByteView ev) {
  return ev.size() > kTypeOffset && ev[kTypeOffset] == kRotateEvent &&
         (ev[0] | ev[1] | ev[2] | ev[3]) != 0;
}

void touch(const RowImage& image, Counts& c) {
  for (const Value& v : image.values) {
    c.checksum += v.u + v.size + static_cast<uint64_t>(v.kind);
  }
  c.values += image.values.size();
}

// Decodes one event and walks its rows.
void decode_event(binlog::EventDecoder& decoder, protocol::ByteView ev, binlog::RowChange& rc,
                  Counts& c) {
  const binlog::DecodedEvent d = decoder.decode(ev);
  if (const auto* rows = d.as<binlog::RowsEvent>()) {
    binlog::RowReader reader = decoder.rows(*rows);
    while (reader.next(rc)) {
      touch(rc.before, c);
      touch(rc.after, c);
      ++c.rows;
    }
  }
}

// --local: the whole file in memory first, then only the decoding is timed by the caller.
void run_local(const Args& a, const std::vector<uint8_t>& file, Counts& c) {
  binlog::DecoderOptions options;
  options.verify_checksums = a.verify;
  binlog::EventDecoder decoder(options);
  decoder.set_file_name(a.local);
  binlog::RowChange rc;
  size_t pos = kMagicBytes;
  while (pos + kSizeOffset + 4 <= file.size()) {
    const uint32_t size = binlog::load_le32(file.data() + pos + kSizeOffset);
    const protocol::ByteView ev(file.data() + pos, size);
    ++c.events;
    c.bytes += size;
    decode_event(decoder, ev, rc, c);
    pos += size;
  }
}

// The arguments live in main() until io.run() returns.
asio::awaitable<void> run(asio::io_context& io, const Args& a, Counts& c) {
  protocol::Connection conn(io);
  co_await conn.connect(a.connect);
  const protocol::ResultSet checksum = co_await conn.query("SELECT @@global.binlog_checksum");
  const bool crc32 = !checksum.rows.empty() && checksum.rows[0][0].value_or("") == "CRC32";
  co_await conn.query(
      "SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = "
      "@@global.binlog_checksum");
  if (conn.server().mariadb) {
    co_await conn.query("SET @mariadb_slave_capability = 4");
  }
  protocol::RegisterReplica replica;
  replica.server_id = kReplicaServerId;
  replica.host = "starcdc-bench";
  co_await conn.register_replica(replica);
  protocol::BinlogStream stream(conn);
  protocol::BinlogDump dump;
  dump.file = a.file;
  dump.position = 4;
  dump.flags = protocol::dump_flag::kNonBlock;
  dump.server_id = kReplicaServerId;
  co_await stream.start(dump);

  binlog::DecoderOptions options;
  options.verify_checksums = a.verify;
  binlog::EventDecoder decoder(options);
  // The dump's artificial ROTATE, before the first FORMAT_DESCRIPTION, carries the checksum
  // announced in @master_binlog_checksum.
  decoder.set_initial_checksum(crc32 ? binlog::ChecksumAlg::Crc32 : binlog::ChecksumAlg::Off);
  decoder.set_file_name(a.file);
  binlog::RowChange rc;
  for (;;) {
    const std::optional<protocol::ByteView> ev = co_await stream.next();
    if (!ev) {
      break;
    }
    ++c.events;
    c.bytes += ev->size();
    const bool last = closing_rotate(*ev);
    if (a.decode) {
      decode_event(decoder, *ev, rc, c);
    }
    if (last) {
      break;
    }
  }
  conn.close();
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::vector<uint8_t> local;
  if (argc >= 3 && std::string(argv[1]) == "--local") {
    a.local = argv[2];
    a.verify = !(argc > 3 && std::string(argv[3]) == "--no-verify");
    std::ifstream in(a.local, std::ios::binary | std::ios::ate);
    local.resize(in ? static_cast<size_t>(in.tellg()) : 0);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(local.data()), static_cast<std::streamsize>(local.size()));
    if (!in || local.size() < kMagicBytes) {
      std::fprintf(stderr, "starcdc_bench_binlog_decode: cannot read %s\n", a.local.c_str());
      return 1;
    }
  } else if (argc < 7) {
    std::fputs(
        "usage: starcdc_bench_binlog_decode HOST PORT USER PASSWORD FILE decode|transport "
        "[--no-verify]\n",
        stderr);
    return 2;
  }
  if (a.local.empty()) {
    a.connect.host = argv[1];
    a.connect.port = static_cast<uint16_t>(std::atoi(argv[2]));
    a.connect.user = argv[3];
    a.connect.password = Secret(argv[4]);
    a.connect.ssl_mode = protocol::SslMode::Disabled;
    a.file = argv[5];
    a.decode = std::string(argv[6]) == "decode";
    a.verify = !(argc > 7 && std::string(argv[7]) == "--no-verify");
  }

  Counts c;
  asio::io_context io;
  std::exception_ptr failure;
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  if (a.local.empty()) {
    asio::co_spawn(io, run(io, a, c), [&](std::exception_ptr e) { failure = e; });
    io.run();
  } else {
    try {
      run_local(a, local, c);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "starcdc_bench_binlog_decode: %s\n", e.what());
    }
    return 1;
  }
  std::printf(
      "{\"mode\":\"%s\",\"events\":%llu,\"rows\":%llu,\"values\":%llu,\"bytes\":%llu,"
      "\"seconds\":%.6f,\"cpu_seconds\":%.6f,\"checksum\":%llu}\n",
      !a.local.empty() ? "local"
      : a.decode       ? "decode"
                       : "transport",
      static_cast<unsigned long long>(c.events), static_cast<unsigned long long>(c.rows),
      static_cast<unsigned long long>(c.values), static_cast<unsigned long long>(c.bytes), wall,
      cpu, static_cast<unsigned long long>(c.checksum));
  return 0;
}
