// Control and transaction events: ROTATE, XID, XA_PREPARE, GTIDs (MySQL and MariaDB), heartbeats,
// INCIDENT, INTVAR, ROWS_QUERY, BINLOG_CHECKPOINT, TRANSACTION_PAYLOAD's header.
// Layouts: libbinlogevents control_events.h / control_events.cpp, rows_event.h, codecs/binary.cpp;
// MariaDB sql/log_event.h.
#include <string>

#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/event_parsers.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_uuid(std::string& out, const uint8_t* u) {
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += kHex[u[i] >> 4];
    out += kHex[u[i] & 0xF];
  }
}

// The gtid event's 7-byte commit timestamps: bit 55 of the first says a second one follows.
constexpr uint64_t kTimestampMoreBit = 1ULL << 55;
constexpr uint32_t kServerVersionMoreBit = 1U << 31;
constexpr uint8_t kLogicalTimestampTypeCode = 2;

}  // namespace

RotateEvent parse_rotate(std::span<const uint8_t> body) {
  ByteReader r(body);
  RotateEvent e;
  e.position = r.u64("the rotate position");
  e.next_file = as_chars(r.rest());
  return e;
}

XidEvent parse_xid(std::span<const uint8_t> body) {
  ByteReader r(body);
  return XidEvent{r.u64("the xid")};
}

XaPrepareEvent parse_xa_prepare(std::span<const uint8_t> body) {
  ByteReader r(body);
  XaPrepareEvent e;
  e.one_phase = r.u8("the one-phase flag") != 0;
  e.format_id = static_cast<int32_t>(r.u32("the XA format id"));
  const uint32_t gtrid_len = r.u32("the gtrid length");
  const uint32_t bqual_len = r.u32("the bqual length");
  if (gtrid_len > 64 || bqual_len > 64) {
    throw_malformed("XA_PREPARE_LOG_EVENT has an XID part longer than 64 bytes.");
  }
  e.gtrid = r.str(gtrid_len, "the gtrid");
  e.bqual = r.str(bqual_len, "the bqual");
  return e;
}

GtidEvent parse_gtid(std::span<const uint8_t> body, bool anonymous) {
  ByteReader r(body);
  GtidEvent e;
  e.anonymous = anonymous;
  e.flags = r.u8("the GTID flags");
  const std::span<const uint8_t> uuid = r.bytes(16, "the source UUID");
  std::copy(uuid.begin(), uuid.end(), e.uuid.begin());
  e.gno = r.u64("the GNO");
  if (r.empty()) {
    return e;
  }
  if (r.u8("the logical timestamp type") == kLogicalTimestampTypeCode) {
    e.last_committed = static_cast<int64_t>(r.u64("last_committed"));
    e.sequence_number = static_cast<int64_t>(r.u64("sequence_number"));
  }
  if (r.remaining() >= 7) {
    uint64_t ts = r.uint_le(7, "the immediate commit timestamp");
    if ((ts & kTimestampMoreBit) != 0) {
      ts &= ~kTimestampMoreBit;
      e.original_commit_us = r.uint_le(7, "the original commit timestamp");
    } else {
      e.original_commit_us = ts;
    }
    e.immediate_commit_us = ts;
  }
  if (!r.empty()) {
    e.transaction_length = r.lenenc("the transaction length");
  }
  if (r.remaining() >= 4) {
    uint32_t v = r.u32("the server version");
    if ((v & kServerVersionMoreBit) != 0) {
      v &= ~kServerVersionMoreBit;
      e.original_server_version = r.u32("the original server version");
    } else {
      e.original_server_version = v;
    }
    e.immediate_server_version = v;
  }
  if (r.remaining() >= 8) {
    e.commit_group_ticket = r.u64("the commit group ticket");
  }
  return e;
}

std::string GtidEvent::uuid_text() const {
  std::string s;
  append_uuid(s, uuid.data());
  return s;
}

std::string GtidEvent::gtid_text() const {
  std::string s = uuid_text();
  if (!tag.empty()) {
    s += ':';
    s += tag;
  }
  return s + ":" + std::to_string(gno);
}

std::string PreviousGtidsEvent::text() const {
  // Gtid_set::encode: 8-byte count (top byte 1 = tagged format, count then in bits 8..55), then
  // per UUID: 16 bytes, [tag: varlen length + bytes], 8-byte interval count, [start, end) pairs.
  ByteReader r(encoded);
  const uint64_t head = r.u64("the GTID set size");
  const bool tagged = (head >> 56) == 1;
  const uint64_t n = tagged ? (head >> 8) & 0xFFFFFFFFFFFFULL : head;
  std::string out;
  for (uint64_t i = 0; i < n; ++i) {
    if (i > 0) {
      out += ',';
    }
    append_uuid(out, r.bytes(16, "a GTID set UUID").data());
    if (tagged) {
      const uint8_t len_byte = r.u8("a GTID tag length");
      if ((len_byte & 1U) != 0) {
        throw_malformed("PREVIOUS_GTIDS_LOG_EVENT has a GTID tag longer than 127 bytes.");
      }
      const std::string_view tag = r.str(len_byte >> 1, "a GTID tag");
      if (!tag.empty()) {
        out += ':';
        out += tag;
      }
    }
    const uint64_t intervals = r.u64("a GTID interval count");
    if (intervals > r.remaining() / 16) {
      throw_truncated("GTID intervals");
    }
    for (uint64_t k = 0; k < intervals; ++k) {
      const uint64_t start = r.u64();
      const uint64_t end = r.u64();  // exclusive
      out += ':';
      out += std::to_string(start);
      if (end > start + 1) {
        out += '-';
        out += std::to_string(end - 1);
      }
    }
  }
  return out;
}

MariaGtidEvent parse_maria_gtid(std::span<const uint8_t> body, uint32_t server_id) {
  // seq_no 8, domain_id 4, flags2 1; then commit_id 8 (FL_GROUP_COMMIT_ID) or the XID of an XA
  // transaction (FL_PREPARED_XA / FL_COMPLETED_XA: format id 4, gtrid len 1, bqual len 1, data),
  // else 6 unused bytes; 10.8+ may append flags_extra and its fields.
  constexpr uint8_t kGroupCommitId = 2;
  constexpr uint8_t kPreparedXa = 64;
  constexpr uint8_t kCompletedXa = 128;
  ByteReader r(body);
  MariaGtidEvent e;
  e.seq_no = r.u64("the GTID sequence number");
  e.domain_id = r.u32("the GTID domain id");
  e.server_id = server_id;
  e.flags = r.u8("the GTID flags");
  if ((e.flags & kGroupCommitId) != 0) {
    e.commit_id = r.u64("the commit id");
  } else if ((e.flags & (kPreparedXa | kCompletedXa)) != 0) {
    e.xa_format_id = static_cast<int32_t>(r.u32("the XA format id"));
    const uint8_t gtrid_len = r.u8("the gtrid length");
    const uint8_t bqual_len = r.u8("the bqual length");
    e.xa_gtrid = r.str(gtrid_len, "the gtrid");
    e.xa_bqual = r.str(bqual_len, "the bqual");
  } else if (r.remaining() >= 6) {
    r.skip(6);
  }
  if (!r.empty()) {
    e.flags_extra = r.u8();
  }
  return e;
}

std::string MariaGtidEvent::gtid_text() const {
  return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" + std::to_string(seq_no);
}

GtidListEvent parse_gtid_list(std::span<const uint8_t> body) {
  ByteReader r(body);
  GtidListEvent e;
  const uint32_t word = r.u32("the GTID list count");
  e.count = word & 0x0FFFFFFFU;
  e.flags = static_cast<uint8_t>(word >> 28);
  e.entries = r.bytes(size_t{e.count} * 16, "the GTID list");
  return e;
}

MariaGtid GtidListEvent::at(uint32_t i) const {
  const uint8_t* p = entries.data() + size_t{i} * 16;
  return MariaGtid{load_le32(p), load_le32(p + 4), load_le64(p + 8)};
}

std::string GtidListEvent::text() const {
  std::string s;
  for (uint32_t i = 0; i < count; ++i) {
    const MariaGtid g = at(i);
    if (i > 0) {
      s += ',';
    }
    s += std::to_string(g.domain_id) + "-" + std::to_string(g.server_id) + "-" +
         std::to_string(g.seq_no);
  }
  return s;
}

BinlogCheckpointEvent parse_binlog_checkpoint(std::span<const uint8_t> body) {
  ByteReader r(body);
  const uint32_t len = r.u32("the checkpoint file name length");
  return BinlogCheckpointEvent{r.str(len, "the checkpoint file name")};
}

RowsQueryEvent parse_rows_query(std::span<const uint8_t> body) {
  // One length byte (truncated at 255, ignored), then the statement to the end.
  ByteReader r(body);
  r.skip(1, "the rows query length");
  return RowsQueryEvent{as_chars(r.rest())};
}

HeartbeatEvent parse_heartbeat(std::span<const uint8_t> body, const EventHeader& h) {
  return HeartbeatEvent{as_chars(body), h.log_pos, false};
}

HeartbeatEvent parse_heartbeat_v2(std::span<const uint8_t> body) {
  // TLV fields (codecs/binary.cpp Heartbeat): lenenc type, lenenc length, value; 1 = log file
  // name, 2 = log position (lenenc), 0 = end.
  ByteReader r(body);
  HeartbeatEvent e;
  e.v2 = true;
  while (!r.empty()) {
    const uint64_t type = r.lenenc("a heartbeat field type");
    if (type == 0) {
      break;
    }
    const uint64_t len = r.lenenc("a heartbeat field length");
    ByteReader field(r.bytes(len, "a heartbeat field"));
    if (type == 1) {
      e.file = as_chars(field.rest());
    } else if (type == 2) {
      e.position = field.lenenc("the heartbeat position");
    }
  }
  return e;
}

IncidentEvent parse_incident(std::span<const uint8_t> body) {
  ByteReader r(body);
  IncidentEvent e;
  e.incident = r.u16("the incident type");
  if (!r.empty()) {
    const uint8_t len = r.u8("the incident message length");
    e.message = r.str(len, "the incident message");
  }
  return e;
}

IntvarEvent parse_intvar(std::span<const uint8_t> body) {
  ByteReader r(body);
  IntvarEvent e;
  e.type = r.u8("the INTVAR type");
  e.value = r.u64("the INTVAR value");
  return e;
}

TransactionPayloadEvent parse_transaction_payload(std::span<const uint8_t> body) {
  // Header TLVs (codecs/binary.cpp Transaction_payload): lenenc type, lenenc length, value
  // (lenenc): 1 PAYLOAD_SIZE, 2 COMPRESSION_TYPE, 3 UNCOMPRESSED_SIZE, 0 end of header.
  ByteReader r(body);
  TransactionPayloadEvent e;
  while (!r.empty()) {
    const uint64_t type = r.lenenc("a payload header field type");
    if (type == 0) {
      break;
    }
    const uint64_t len = r.lenenc("a payload header field length");
    ByteReader field(r.bytes(len, "a payload header field"));
    switch (type) {
      case 1:
        e.payload_size = field.lenenc("the payload size");
        break;
      case 2:
        e.compression = field.lenenc("the compression type");
        break;
      case 3:
        e.uncompressed_size = field.lenenc("the uncompressed size");
        break;
      default:
        break;
    }
  }
  e.payload = r.bytes(e.payload_size, "the transaction payload");
  return e;
}

}  // namespace starcdc::mysql::binlog
