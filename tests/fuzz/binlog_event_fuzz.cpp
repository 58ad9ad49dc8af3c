// libFuzzer target: arbitrary bytes as a stream of binlog events through one EventDecoder, with
// every inner event of a TRANSACTION_PAYLOAD and every row of a rows event decoded and every value
// read. Malformed input must end in Error(Data); any other exception, a crash or a sanitizer
// report is a finding.
//
// Input layout (tests/fuzz/make_corpus.py writes seeds in it):
//   byte 0   options: bits 0-1 prelude (0 none, 1 MySQL 8.0, 2 MySQL 8.0 with CRC32, 3 MariaDB
//            10.11), bit 2 verify checksums, bits 3-4 zero-date policy (Null, Text, Error, Null),
//            bit 5 pad BINARY, bit 6 SRID prefix, bit 7 apply JSON diffs
//   then     events, each a little-endian uint16 length and that many bytes (the last one cut at
//            the end of the input). The event-size field of each header is set to the framed
//            length, so a mutation that changes an event's length still reaches its parser.
// The prelude is a FORMAT_DESCRIPTION_EVENT built here, decoded before the input's events, so the
// decoder starts in the state a real stream puts it in.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/model/value.hpp"
#include "sources/mysql/binlog/checksum.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"

namespace starcdc::mysql::binlog {
namespace {

using Bytes = std::vector<uint8_t>;

void put_le(Bytes& b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) {
    b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
}

// Post-header lengths by event type code (index 0 = type 1) as the servers write them in their
// FORMAT_DESCRIPTION_EVENT: MySQL 8.0 (libbinlogevents/src/control_events.cpp) and MariaDB 10.11
// (sql/log_event.cc, Format_description_log_event), read from captures of both.
Bytes mysql8_post_headers() {
  Bytes t(41, 0);
  for (const auto& [type, len] : std::initializer_list<std::pair<int, uint8_t>>{
           {2, 13},  {4, 8},   {9, 4},   {11, 4},  {15, 98}, {17, 4},  {18, 26},
           {19, 8},  {23, 8},  {24, 8},  {25, 8},  {26, 2},  {30, 10}, {31, 10},
           {32, 10}, {33, 42}, {34, 42}, {36, 18}, {37, 52}, {39, 10}, {40, 40}}) {
    t[static_cast<size_t>(type - 1)] = len;
  }
  return t;
}

Bytes mariadb_post_headers() {
  Bytes t(171, 0);
  for (const auto& [type, len] : std::initializer_list<std::pair<int, uint8_t>>{
           {1, 56},  {2, 13},  {4, 8},    {6, 18},   {8, 4},   {9, 4},    {10, 4},
           {11, 4},  {12, 18}, {15, 228}, {17, 4},   {18, 26}, {19, 8},   {23, 8},
           {24, 8},  {25, 8},  {26, 2},   {30, 10},  {31, 10}, {32, 10},  {39, 10},
           {40, 10}, {41, 10}, {161, 4},  {162, 19}, {163, 4}, {165, 13}, {166, 8},
           {167, 8}, {168, 8}, {169, 10}, {170, 10}, {171, 10}}) {
    t[static_cast<size_t>(type - 1)] = len;
  }
  return t;
}

// A whole FORMAT_DESCRIPTION_EVENT (v4 header, body, algorithm byte, checksum).
Bytes format_description(std::string_view version, const Bytes& post_headers, bool crc) {
  constexpr size_t kServerVersionBytes = 50;
  Bytes e;
  put_le(e, 0, 4);                                                  // timestamp
  e.push_back(static_cast<uint8_t>(EventType::FormatDescription));  // type
  put_le(e, 1, 4);                                                  // server id
  const size_t size = kEventHeaderBytes + 2 + kServerVersionBytes + 4 + 1 + post_headers.size() +
                      1 + kChecksumBytes;
  put_le(e, size, 4);  // event size
  put_le(e, 0, 4);     // log position
  put_le(e, 0, 2);     // flags
  put_le(e, 4, 2);     // binlog version
  std::string v(version);
  v.resize(kServerVersionBytes, '\0');
  e.insert(e.end(), v.begin(), v.end());
  put_le(e, 0, 4);  // create timestamp
  e.push_back(static_cast<uint8_t>(kEventHeaderBytes));
  e.insert(e.end(), post_headers.begin(), post_headers.end());
  e.push_back(crc ? 1 : 0);
  put_le(e, crc32(e), 4);
  return e;
}

// Reads every byte a value views, so a view past its buffer is an AddressSanitizer report, and
// renders it the way the sinks do.
void touch(const Value& v, ByteBuffer& out) {
  switch (v.kind) {
    case ValueKind::Decimal:
    case ValueKind::String:
    case ValueKind::Bytes:
    case ValueKind::Json: {
      uint32_t sum = 0;
      for (const char c : v.text()) {
        sum += static_cast<uint8_t>(c);
      }
      out.push_back(static_cast<char>(sum));
      break;
    }
    default:
      break;
  }
  append_json_value(v, out);
}

void touch(const RowImage& image, ByteBuffer& out) {
  for (size_t i = 0; i < image.values.size(); ++i) {
    if (image.present.has(i)) {
      touch(image.values[i], out);
    }
  }
}

void touch_text(std::string_view s, ByteBuffer& out) {
  if (!s.empty()) {  // an empty view may have no pointer, which memcpy may not be given
    out.append(s);
  }
}

void visit(EventDecoder& decoder, const DecodedEvent& ev, ByteBuffer& out) {
  if (const auto* rows = ev.as<RowsEvent>()) {
    RowReader reader = decoder.rows(*rows);
    RowChange row;
    while (reader.next(row)) {
      touch(row.before, out);
      touch(row.after, out);
      for (const uint16_t c : row.json_diff_columns) {
        out.push_back(static_cast<char>(c));
      }
      out.clear();
    }
  } else if (const auto* tm = ev.as<TableMapEvent>()) {
    touch_text(tm->table->database, out);
    touch_text(tm->table->table, out);
    for (const ColumnDef& c : tm->table->columns) {
      touch_text(column_sql_type(c), out);
      touch_text(c.name, out);
    }
  } else if (const auto* q = ev.as<QueryEvent>()) {
    touch_text(q->database, out);
    touch_text(q->sql, out);
    touch_text(q->status.catalog, out);
    touch_text(q->status.time_zone, out);
    touch_text(q->status.invoker_user, out);
    touch_text(q->status.invoker_host, out);
    touch_text(q->status.updated_db_names, out);
  } else if (const auto* g = ev.as<GtidEvent>()) {
    touch_text(g->gtid_text(), out);
  } else if (const auto* pg = ev.as<PreviousGtidsEvent>()) {
    touch_text(pg->text(), out);
  } else if (const auto* mg = ev.as<MariaGtidEvent>()) {
    touch_text(mg->gtid_text(), out);
    touch_text(mg->xa_gtrid, out);
    touch_text(mg->xa_bqual, out);
  } else if (const auto* gl = ev.as<GtidListEvent>()) {
    touch_text(gl->text(), out);
  } else if (const auto* r = ev.as<RotateEvent>()) {
    touch_text(r->next_file, out);
  } else if (const auto* xa = ev.as<XaPrepareEvent>()) {
    touch_text(xa->gtrid, out);
    touch_text(xa->bqual, out);
  } else if (const auto* a = ev.as<AnnotateRowsEvent>()) {
    touch_text(a->sql, out);
  } else if (const auto* rq = ev.as<RowsQueryEvent>()) {
    touch_text(rq->sql, out);
  } else if (const auto* hb = ev.as<HeartbeatEvent>()) {
    touch_text(hb->file, out);
  } else if (const auto* cp = ev.as<BinlogCheckpointEvent>()) {
    touch_text(cp->file, out);
  } else if (const auto* inc = ev.as<IncidentEvent>()) {
    touch_text(inc->message, out);
  }
  out.clear();
}

DecoderOptions options_from(uint8_t b) {
  DecoderOptions o;
  o.verify_checksums = (b & 0x04) != 0;
  switch ((b >> 3) & 3) {
    case 1:
      o.zero_dates = ZeroDatePolicy::Text;
      break;
    case 2:
      o.zero_dates = ZeroDatePolicy::Error;
      break;
    case 3:
      o.zero_dates = ZeroDatePolicy::Epoch;
      break;
    default:
      o.zero_dates = ZeroDatePolicy::Null;
      break;
  }
  o.pad_binary = (b & 0x20) != 0;
  o.geometry_srid_prefix = (b & 0x40) != 0;
  o.apply_json_diffs = (b & 0x80) != 0;
  // The daemon's bound is 1 GiB; a smaller one keeps a decompression bomb within the fuzzer's
  // memory limit while exercising the same check.
  o.max_decompressed_bytes = uint64_t{16} << 20;
  return o;
}

void run(const uint8_t* data, size_t size) {
  if (size == 0) {
    return;
  }
  static const Bytes kPreludes[4] = {
      {},
      format_description("8.0.36", mysql8_post_headers(), false),
      format_description("8.0.36", mysql8_post_headers(), true),
      format_description("10.11.6-MariaDB-log", mariadb_post_headers(), false),
  };
  EventDecoder decoder(options_from(data[0]));
  decoder.set_file_name("fuzz-bin.000001");
  ByteBuffer out;
  const Bytes& prelude = kPreludes[data[0] & 3];
  if (!prelude.empty()) {
    decoder.decode(prelude);
  }
  size_t pos = 1;
  Bytes event;
  while (pos + 2 <= size) {
    size_t n = static_cast<size_t>(data[pos]) | static_cast<size_t>(data[pos + 1]) << 8;
    pos += 2;
    n = std::min(n, size - pos);
    // A copy of exactly the event's bytes: a read past them is a heap overflow ASan reports.
    event.assign(data + pos, data + pos + n);
    pos += n;
    if (n >= kEventHeaderBytes) {
      constexpr size_t kEventSizeOffset = 9;
      for (size_t i = 0; i < 4; ++i) {
        event[kEventSizeOffset + i] = static_cast<uint8_t>(n >> (8 * i));
      }
    }
    const DecodedEvent ev = decoder.decode(event);
    visit(decoder, ev, out);
    if (ev.as<TransactionPayloadEvent>() != nullptr) {
      while (const auto inner = decoder.next_payload_event()) {
        visit(decoder, *inner, out);
      }
    }
  }
}

}  // namespace
}  // namespace starcdc::mysql::binlog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    starcdc::mysql::binlog::run(data, size);
  } catch (const starcdc::Error& e) {
    if (e.kind() != starcdc::ErrorKind::Data) {
      throw;  // another kind of error from malformed input is a finding
    }
  }
  return 0;
}
