// Event framing and the typed control events: FORMAT_DESCRIPTION, checksums, QUERY and its
// status variables, GTIDs of both flavors, heartbeats, XA, INCIDENT, unknown events, and the
// fixture files' TRANSACTION_PAYLOAD and Aurora padding events.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "binlog_test_support.hpp"
#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/binlog_file_reader.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"

namespace starcdc::mysql::binlog {
namespace {

using test::Bytes;
using test::hex;
using test::Writer;

std::string fixture(const std::string& name) {
  return std::string(STARCDC_FIXTURES_DIR) + "/binlog/" + name;
}
bool have_fixtures() { return std::filesystem::is_directory(fixture("")); }

std::vector<Bytes> read_all(const std::string& path) {
  BinlogFileReader f(path);
  std::vector<Bytes> out;
  while (auto b = f.next()) {
    out.emplace_back(b->begin(), b->end());
  }
  return out;
}

TEST_CASE("FORMAT_DESCRIPTION gives version, flavor and checksum algorithm", "[mysql][binlog]") {
  EventDecoder d;
  const auto ev_bytes = test::format_description(true);
  const DecodedEvent ev = d.decode(ev_bytes);
  const auto* fd = ev.as<FormatDescriptionEvent>();
  REQUIRE(fd != nullptr);
  CHECK(fd->fd.server_version == "8.0.36");
  CHECK(fd->fd.version == ServerVersion{8, 0, 36});
  CHECK(fd->fd.flavor == Flavor::MySql);
  CHECK(fd->fd.checksum == ChecksumAlg::Crc32);
  CHECK(fd->fd.post_header_length(EventType::WriteRows) == 10);
  CHECK(fd->fd.table_id_bytes() == 6);
  ServerVersion v;
  Flavor f = Flavor::MySql;
  parse_server_version("5.5.5-10.4.1-MariaDB-log", v, f);
  CHECK(v == ServerVersion{10, 4, 1});
  CHECK(f == Flavor::MariaDb);
}

TEST_CASE("an overlong version number saturates instead of overflowing", "[mysql][binlog]") {
  // Found by tests/fuzz/binlog_event_fuzz: the digits overflowed an int (undefined behaviour; in
  // practice a negative major version, so the checksum byte went unread).
  EventDecoder d;
  const auto ev_bytes = test::format_description(true, "3000000000.0.1");
  const DecodedEvent ev = d.decode(ev_bytes);
  const auto* fd = ev.as<FormatDescriptionEvent>();
  REQUIRE(fd != nullptr);
  CHECK(fd->fd.version.major >= 1000000);
  CHECK(fd->fd.checksum == ChecksumAlg::Crc32);
  ServerVersion v;
  Flavor f = Flavor::MySql;
  parse_server_version("8.99999999999999999999.1", v, f);
  CHECK(v.major == 8);
  CHECK(v.minor >= 1000000);
  CHECK(v.patch == 1);
}

TEST_CASE("checksummed and plain files both decode and a flipped byte is a checksum error",
          "[mysql][binlog]") {
  if (!have_fixtures()) {
    WARN("fixtures folder absent");
    return;
  }
  {
    EventDecoder d;
    for (const Bytes& e : read_all(fixture("mysql-bin.checksum-none"))) {
      d.decode(e);
    }
    CHECK(d.format().checksum == ChecksumAlg::Off);
  }
  std::vector<Bytes> events = read_all(fixture("mysql-bin.checksum-crc32"));
  EventDecoder d;
  d.set_file_name("mysql-bin.checksum-crc32");
  d.decode(events[0]);
  CHECK(d.format().checksum == ChecksumAlg::Crc32);
  d.decode(events[1]);
  Bytes bad = events[2];  // ANONYMOUS_GTID at 154
  bad[25] ^= 0x01;
  try {
    d.decode(bad);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Data);
    CHECK(std::string(e.what()) ==
          "Checksum mismatch in ANONYMOUS_GTID_LOG_EVENT at mysql-bin.checksum-crc32:154.");
    CHECK(e.where() == "mysql-bin.checksum-crc32:154");
  }
  DecoderOptions lax;
  lax.verify_checksums = false;
  EventDecoder no_check(lax);
  no_check.decode(events[0]);
  CHECK_NOTHROW(no_check.decode(bad));
}

TEST_CASE("a synthetic CRC32 event verifies and its checksum is stripped from the body",
          "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(true));
  const Bytes xid = test::event(EventType::Xid, hex("2a00000000000000"), true);
  CHECK(d.decode(xid).as<XidEvent>()->xid == 42);
  Bytes bad = xid;
  bad.back() ^= 0x80;
  CHECK_THROWS_WITH(d.decode(bad), Catch::Contains("Checksum mismatch in XID_EVENT"));
  Bytes short_size = xid;
  short_size.pop_back();
  CHECK_THROWS_AS(d.decode(short_size), Error);
}

TEST_CASE("the compressed file's TRANSACTION_PAYLOAD yields its inner events in order",
          "[mysql][binlog]") {
  if (!have_fixtures()) {
    WARN("fixtures folder absent");
    return;
  }
  EventDecoder d;
  std::vector<std::string> inner;
  int rows = 0;
  for (const Bytes& e : read_all(fixture("mysql-bin.compressed"))) {
    const DecodedEvent ev = d.decode(e);
    if (const auto* g = ev.as<GtidEvent>()) {
      CHECK(g->anonymous);
      CHECK(g->immediate_commit_us == uint64_t{1646406641223033});
      CHECK(g->original_commit_us == uint64_t{1646406641223033});
      CHECK(g->transaction_length == uint64_t{567});
      CHECK(g->immediate_server_version == uint32_t{80028});
    }
    if (const auto* p = ev.as<TransactionPayloadEvent>()) {
      CHECK(p->compression == 0);
      CHECK(p->uncompressed_size == 960);
      while (auto in = d.next_payload_event()) {
        inner.emplace_back(event_type_name(in->header.type_code));
        if (const auto* r = in->as<RowsEvent>()) {
          CHECK(r->table->id().str() == "demo.movies");
          RowReader reader = d.rows(*r);
          RowChange row;
          while (reader.next(row)) {
            ++rows;
            CHECK(row.before.values.size() == 11);
            CHECK(row.after.values.size() == 11);
          }
        }
      }
    }
  }
  CHECK(inner == std::vector<std::string>{"QUERY_EVENT", "TABLE_MAP_EVENT", "UPDATE_ROWS_EVENT",
                                          "XID_EVENT"});
  CHECK(rows > 0);
}

TEST_CASE("Aurora's padding event comes back as an ignorable unknown event", "[mysql][binlog]") {
  if (!have_fixtures()) {
    WARN("fixtures folder absent");
    return;
  }
  EventDecoder d;
  std::vector<uint8_t> unknown;
  std::string sql;
  for (const Bytes& e : read_all(fixture("mysql-bin.aurora-padding"))) {
    const DecodedEvent ev = d.decode(e);
    if (const auto* u = ev.as<UnknownEvent>()) {
      CHECK(u->ignorable);
      unknown.push_back(u->type_code);
    }
    if (const auto* q = ev.as<QueryEvent>()) {
      sql = std::string(q->sql);
      CHECK(q->database == "db_netpay");
      CHECK(q->status.time_zone == "SYSTEM");
      CHECK(q->status.charset_client == uint16_t{45});
    }
  }
  CHECK(unknown == std::vector<uint8_t>{100});
  CHECK(sql == "BEGIN");
}

Bytes query_body(std::string_view db, std::string_view sql, const Bytes& status) {
  Writer w;
  w.u32(77).u32(3).u8(db.size()).u16(0).u16(status.size()).raw(status).str(db).u8(0).str(sql);
  return w.b;
}

TEST_CASE("QUERY status variables are parsed by code", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false));
  Writer st;
  st.u8(0x00).u32(0x4000);                               // Q_FLAGS2
  st.u8(0x01).u64(0x1234);                               // Q_SQL_MODE
  st.u8(0x06).u8(3).str("std");                          // Q_CATALOG_NZ
  st.u8(0x04).u16(33).u16(45).u16(8);                    // Q_CHARSET
  st.u8(0x05).u8(6).str("+00:00");                       // Q_TIME_ZONE
  st.u8(0x0B).u8(4).str("root").u8(9).str("localhost");  // Q_INVOKER
  st.u8(0x0C).u8(2).str("a").u8(0).str("bc").u8(0);      // Q_UPDATED_DB_NAMES
  st.u8(0x11).u64(99);                                   // Q_DDL_LOGGED_WITH_XID
  st.u8(0x80).u24(123456);                               // Q_HRNOW (MariaDB)
  st.u8(0x81).u64(7);                                    // Q_XID (MariaDB)
  st.u8(0x7F).u8(1);                                     // unknown: parsing stops
  const auto ev_bytes =
      test::event(EventType::Query, query_body("shop", "CREATE TABLE x (a INT)", st.b));
  const DecodedEvent ev = d.decode(ev_bytes);
  const auto* q = ev.as<QueryEvent>();
  REQUIRE(q != nullptr);
  CHECK(q->thread_id == 77);
  CHECK(q->exec_time == 3);
  CHECK(q->database == "shop");
  CHECK(q->sql == "CREATE TABLE x (a INT)");
  CHECK(q->status.flags2 == uint32_t{0x4000});
  CHECK(q->status.sql_mode == uint64_t{0x1234});
  CHECK(q->status.catalog == "std");
  CHECK(q->status.charset_client == uint16_t{33});
  CHECK(q->status.collation_connection == uint16_t{45});
  CHECK(q->status.collation_server == uint16_t{8});
  CHECK(q->status.time_zone == "+00:00");
  CHECK(q->status.invoker_user == "root");
  CHECK(q->status.invoker_host == "localhost");
  CHECK(q->status.updated_db_count == uint8_t{2});
  CHECK(q->status.updated_db_names == std::string_view("a\0bc\0", 5));
  CHECK(q->status.ddl_xid == uint64_t{99});
  CHECK(q->status.hrnow == uint32_t{123456});
  CHECK(q->status.xid == uint64_t{7});
  CHECK(q->status.unknown_code == uint8_t{0x7F});
}

TEST_CASE("a MariaDB QUERY_COMPRESSED event decompresses its statement", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false, "10.11.6-MariaDB-log"));
  CHECK(d.format().mariadb());
  const Bytes blob = hex("8118789cf3f40b760d0a51f0f40bf15728510873f409750d56d030d4040054200656");
  const auto ev_bytes =
      test::event(EventType::QueryCompressed, query_body("t", test::as_view(blob), {}));
  const DecodedEvent ev = d.decode(ev_bytes);
  const auto* q = ev.as<QueryEvent>();
  REQUIRE(q != nullptr);
  CHECK(q->compressed);
  CHECK(q->sql == "INSERT INTO t VALUES (1)");
  Bytes broken = blob;
  broken[10] ^= 0xFF;
  CHECK_THROWS_AS(
      d.decode(test::event(EventType::QueryCompressed, query_body("t", test::as_view(broken), {}))),
      Error);
}

TEST_CASE("MySQL GTID, PREVIOUS_GTIDS, XA_PREPARE and ROTATE events decode", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false));
  Writer g;
  g.u8(1).raw(hex("3E11FA47 71CA 11E1 9E33 C80AA9429562")).u64(23).u8(2).u64(5).u64(6);
  g.le(1700000000000001ULL | (1ULL << 55), 7).le(1600000000000002ULL, 7).lenenc(1234);
  g.u32(80036U | (1U << 31)).u32(80030);
  const auto ge_bytes = test::event(EventType::Gtid, g.b);
  const DecodedEvent ge = d.decode(ge_bytes);
  const auto* gtid = ge.as<GtidEvent>();
  REQUIRE(gtid != nullptr);
  CHECK(gtid->gtid_text() == "3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
  CHECK(gtid->last_committed == int64_t{5});
  CHECK(gtid->sequence_number == int64_t{6});
  CHECK(gtid->immediate_commit_us == uint64_t{1700000000000001});
  CHECK(gtid->original_commit_us == uint64_t{1600000000000002});
  CHECK(gtid->transaction_length == uint64_t{1234});
  CHECK(gtid->immediate_server_version == uint32_t{80036});
  CHECK(gtid->original_server_version == uint32_t{80030});

  Writer p;
  p.u64(2).raw(hex("3E11FA4771CA11E19E33C80AA9429562")).u64(2).u64(1).u64(6).u64(7).u64(8);
  p.raw(hex("00000000000000000000000000000001")).u64(1).u64(3).u64(10);
  const auto pe_bytes = test::event(EventType::PreviousGtids, p.b);
  const DecodedEvent pe = d.decode(pe_bytes);
  CHECK(pe.as<PreviousGtidsEvent>()->text() ==
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,00000000-0000-0000-0000-000000000001:3-9");

  Writer xa;
  xa.u8(0).u32(1).u32(3).u32(2).str("abcde");
  const auto xe_bytes = test::event(EventType::XaPrepare, xa.b);
  const DecodedEvent xe = d.decode(xe_bytes);
  CHECK(xe.as<XaPrepareEvent>()->gtrid == "abc");
  CHECK(xe.as<XaPrepareEvent>()->bqual == "de");

  Writer rot;
  rot.u64(4).str("mysql-bin.000043");
  const auto re_bytes = test::event(EventType::Rotate, rot.b, false, 0, kFlagArtificial);
  const DecodedEvent re = d.decode(re_bytes);
  CHECK(re.as<RotateEvent>()->next_file == "mysql-bin.000043");
  CHECK(re.header.artificial());
  CHECK(d.file_name() == "mysql-bin.000043");
}

TEST_CASE("heartbeats v1 and v2, INCIDENT, ROWS_QUERY, STOP and unknown events decode",
          "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false));
  const auto h1_bytes =
      test::event(EventType::Heartbeat, test::Writer().str("binlog.000001").b, false, 4567);
  const DecodedEvent h1 = d.decode(h1_bytes);
  CHECK(h1.as<HeartbeatEvent>()->file == "binlog.000001");
  CHECK(h1.as<HeartbeatEvent>()->position == 4567);
  Writer v2;
  v2.lenenc(1).lenenc(4).str("b.01").lenenc(2).lenenc(9).u8(0xFE).u64(5000000000ULL).lenenc(0);
  const auto h2_bytes = test::event(EventType::HeartbeatV2, v2.b);
  const DecodedEvent h2 = d.decode(h2_bytes);
  CHECK(h2.as<HeartbeatEvent>()->v2);
  CHECK(h2.as<HeartbeatEvent>()->file == "b.01");
  CHECK(h2.as<HeartbeatEvent>()->position == 5000000000ULL);
  const auto inc_bytes = test::event(EventType::Incident, Writer().u16(1).u8(4).str("lost").b);
  const DecodedEvent inc = d.decode(inc_bytes);
  CHECK(inc.as<IncidentEvent>()->incident == 1);
  CHECK(inc.as<IncidentEvent>()->message == "lost");
  const auto rq_bytes = test::event(EventType::RowsQuery, Writer().u8(8).str("UPDATE t").b);
  const DecodedEvent rq = d.decode(rq_bytes);
  CHECK(rq.as<RowsQueryEvent>()->sql == "UPDATE t");
  CHECK(d.decode(test::event(EventType::Stop, Bytes{})).as<StopEvent>() != nullptr);
  const auto un_bytes = test::event(static_cast<EventType>(200), hex("0102"));
  const DecodedEvent un = d.decode(un_bytes);
  REQUIRE(un.as<UnknownEvent>() != nullptr);
  CHECK(un.as<UnknownEvent>()->type_code == 200);
  CHECK_FALSE(un.as<UnknownEvent>()->ignorable);
  CHECK(std::string(event_type_name(uint8_t{200})) == "UNKNOWN_EVENT(200)");
}

TEST_CASE("MariaDB GTID, GTID_LIST and BINLOG_CHECKPOINT events decode", "[mysql][binlog]") {
  EventDecoder d;
  d.decode(test::format_description(false, "10.11.6-MariaDB-log"));
  const auto g_bytes =
      test::event(EventType::MariaGtid, Writer().u64(9868).u32(0).u8(0x21).raw(Bytes(6)).b);
  const DecodedEvent g = d.decode(g_bytes);
  const auto* mg = g.as<MariaGtidEvent>();
  REQUIRE(mg != nullptr);
  CHECK(mg->gtid_text() == "0-1-9868");
  CHECK(mg->standalone());
  CHECK(mg->ddl());
  const auto gc_bytes =
      test::event(EventType::MariaGtid, Writer().u64(5).u32(2).u8(0x02).u64(77).b);
  const DecodedEvent gc = d.decode(gc_bytes);
  CHECK(gc.as<MariaGtidEvent>()->commit_id == uint64_t{77});
  CHECK_FALSE(gc.as<MariaGtidEvent>()->standalone());
  Writer list;
  list.u32(2).u32(0).u32(1).u64(100).u32(1).u32(2).u64(7);
  const auto gl_bytes = test::event(EventType::GtidList, list.b);
  const DecodedEvent gl = d.decode(gl_bytes);
  CHECK(gl.as<GtidListEvent>()->text() == "0-1-100,1-2-7");
  const auto cp_bytes =
      test::event(EventType::BinlogCheckpoint, Writer().u32(10).str("bin.000001").b);
  const DecodedEvent cp = d.decode(cp_bytes);
  CHECK(cp.as<BinlogCheckpointEvent>()->file == "bin.000001");
}

}  // namespace
}  // namespace starcdc::mysql::binlog
