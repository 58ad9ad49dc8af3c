#include "sources/mysql/binlog/event_decoder.hpp"

#include <cstring>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/checksum.hpp"
#include "sources/mysql/binlog/event_parsers.hpp"
#include "sources/mysql/binlog/inflate.hpp"

namespace starcdc::mysql::binlog {
namespace {

// Table maps kept before the cache is emptied at the next statement end: table ids only grow
// while a server runs, so a long stream would otherwise keep every id it ever saw.
constexpr size_t kMaxCachedTables = 4096;
constexpr uint64_t kDummyTableId = 0x00FFFFFF;

}  // namespace

EventDecoder::EventDecoder(DecoderOptions options) : options_(options), values_(options_, arena_) {}

const TableMap* EventDecoder::table(uint64_t table_id) const {
  const auto it = tables_.find(table_id);
  return it == tables_.end() ? nullptr : it->second.get();
}

void EventDecoder::set_column_collations(uint64_t table_id, std::span<const uint32_t> collations) {
  const auto it = tables_.find(table_id);
  if (it == tables_.end()) {
    return;
  }
  TableMap& t = *it->second;
  for (size_t i = 0; i < t.columns.size() && i < collations.size(); ++i) {
    t.columns[i].collation = collations[i];
    refresh_column(t.columns[i], format_.flavor);
  }
}

std::string EventDecoder::where(const EventHeader& h, bool inner) const {
  const std::string file = file_.empty() ? "binlog" : file_;
  return file + ":" + std::to_string(inner ? payload_pos_ : h.start_pos());
}

DecodedEvent EventDecoder::decode(std::span<const uint8_t> event) {
  if (prune_tables_) {
    tables_.clear();
    prune_tables_ = false;
  }
  return decode_event(event, false);
}

std::optional<DecodedEvent> EventDecoder::next_payload_event() {
  const std::optional<std::span<const uint8_t>> inner = payload_.next();
  if (!inner) {
    return std::nullopt;
  }
  return decode_event(*inner, true);
}

RowReader EventDecoder::rows(const RowsEvent& event) {
  return RowReader(event, values_, arena_, row_buffers_, options_);
}

DecodedEvent EventDecoder::decode_event(std::span<const uint8_t> event, bool inner) {
  DecodedEvent out;
  out.header = parse_event_header(event);
  const EventHeader& h = out.header;
  try {
    if (h.event_size != event.size()) {
      throw_malformed("Its header gives " + std::to_string(h.event_size) + " bytes, " +
                      std::to_string(event.size()) + " were given.");
    }
    ChecksumAlg alg = inner ? ChecksumAlg::Off : checksum_;
    if (h.type() == EventType::FormatDescription) {
      out.body = FormatDescriptionEvent{parse_format_description(event)};
      alg = std::get<FormatDescriptionEvent>(out.body).fd.checksum;
    }
    size_t body_end = event.size();
    if (alg == ChecksumAlg::Crc32) {
      if (event.size() < kEventHeaderBytes + kChecksumBytes) {
        throw_truncated("the checksum");
      }
      body_end -= kChecksumBytes;
      if (options_.verify_checksums && !event_checksum_ok(event)) {
        throw Error(ErrorKind::Data,
                    std::string("Checksum mismatch in ") + event_type_name(h.type_code) + " at " +
                        where(h, inner) + ".",
                    where(h, inner),
                    "The binlog event is corrupt; check the source server's binlog and the "
                    "network path.");
      }
    }
    const std::span<const uint8_t> body =
        event.subspan(kEventHeaderBytes, body_end - kEventHeaderBytes);
    if (h.type() == EventType::FormatDescription) {
      format_ = std::get<FormatDescriptionEvent>(out.body).fd;
      has_format_ = true;
      checksum_ = format_.checksum == ChecksumAlg::Crc32 ? ChecksumAlg::Crc32 : ChecksumAlg::Off;
      return out;
    }
    if (h.type() == EventType::TransactionPayload && inner) {
      throw_malformed("A TRANSACTION_PAYLOAD_EVENT is nested in another.");
    }
    out.body = decode_body(h, event, body);
    if (h.type() == EventType::TransactionPayload) {
      const auto& p = std::get<TransactionPayloadEvent>(out.body);
      payload_pos_ = h.start_pos();
      payload_.start(p.payload, p.compression, options_.max_decompressed_bytes);
    }
  } catch (const Error& e) {
    if (!e.where().empty()) {
      throw;
    }
    throw Error(ErrorKind::Data,
                std::string("Cannot decode ") + event_type_name(h.type_code) + " at " +
                    where(h, inner) + ": " + e.what(),
                where(h, inner));
  }
  return out;
}

EventBody EventDecoder::decode_body(const EventHeader& h, std::span<const uint8_t> event,
                                    std::span<const uint8_t> body) {
  static_cast<void>(event);
  switch (h.type()) {
    case EventType::Rotate: {
      RotateEvent r = parse_rotate(body);
      file_ = std::string(r.next_file);
      return r;
    }
    case EventType::Query:
      return parse_query(body, format_);
    case EventType::QueryCompressed: {
      QueryEvent q = parse_query(body, format_);
      const std::span<const uint8_t> blob(reinterpret_cast<const uint8_t*>(q.sql.data()),
                                          q.sql.size());
      if (!mariadb_decompress(blob, options_.max_decompressed_bytes, inflated_)) {
        throw_malformed("The compressed statement does not decompress.");
      }
      q.sql = as_chars(inflated_);
      q.compressed = true;
      return q;
    }
    case EventType::Xid:
      return parse_xid(body);
    case EventType::XaPrepare:
      return parse_xa_prepare(body);
    case EventType::TableMap:
      return decode_table_map(body);
    case EventType::Gtid:
      return parse_gtid(body, false);
    case EventType::AnonymousGtid:
      return parse_gtid(body, true);
    case EventType::PreviousGtids:
      return PreviousGtidsEvent{body};
    case EventType::MariaGtid:
      return parse_maria_gtid(body, h.server_id);
    case EventType::GtidList:
      return parse_gtid_list(body);
    case EventType::AnnotateRows:
      return AnnotateRowsEvent{as_chars(body)};
    case EventType::BinlogCheckpoint:
      return parse_binlog_checkpoint(body);
    case EventType::RowsQuery:
      return parse_rows_query(body);
    case EventType::Heartbeat:
      return parse_heartbeat(body, h);
    case EventType::HeartbeatV2:
      return parse_heartbeat_v2(body);
    case EventType::Stop:
      return StopEvent{};
    case EventType::Incident:
      return parse_incident(body);
    case EventType::Intvar:
      return parse_intvar(body);
    case EventType::TransactionPayload:
      return parse_transaction_payload(body);
    default:
      break;
  }
  if (is_rows_event(h.type())) {
    return decode_rows(h, body);
  }
  return UnknownEvent{h.type_code, (h.flags & kFlagIgnorable) != 0, body};
}

EventBody EventDecoder::decode_table_map(std::span<const uint8_t> body) {
  ByteReader r(body);
  const uint64_t id = r.uint_le(format_.table_id_bytes(), "the table id");
  const auto it = tables_.find(id);
  if (it != tables_.end() && it->second->raw.size() == body.size() &&
      std::memcmp(it->second->raw.data(), body.data(), body.size()) == 0) {
    return TableMapEvent{it->second.get(), false};
  }
  // Parsed before the cache changes: a malformed map leaves no empty entry behind.
  auto map = std::make_unique<TableMap>();
  parse_table_map(body, format_, *map);
  auto& slot = tables_[id];
  slot = std::move(map);
  return TableMapEvent{slot.get(), true};
}

EventBody EventDecoder::decode_rows(const EventHeader& h, std::span<const uint8_t> body) {
  RowsEvent e = parse_rows_event(h.type(), body, format_);
  if (e.compressed) {
    if (!mariadb_decompress(e.rows, options_.max_decompressed_bytes, inflated_)) {
      throw_malformed("The compressed rows do not decompress.");
    }
    e.rows = inflated_;
  }
  e.table = table(e.table_id);
  if (e.table == nullptr && (e.table_id != kDummyTableId || !e.rows.empty())) {
    throw_malformed("It refers to table id " + std::to_string(e.table_id) +
                    ", which no TABLE_MAP_EVENT announced.");
  }
  if (e.statement_end() && tables_.size() > kMaxCachedTables) {
    prune_tables_ = true;
  }
  return e;
}

}  // namespace starcdc::mysql::binlog
