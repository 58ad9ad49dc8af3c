// Parsers of the single events, used by EventDecoder. Each takes the event body (after the
// 19-byte header, checksum removed) and throws Error(Data) when it is malformed.
// Thread: pipeline.
#pragma once

#include <cstdint>
#include <span>

#include "sources/mysql/binlog/event_header.hpp"
#include "sources/mysql/binlog/events.hpp"

namespace starcdc::mysql::binlog {

RotateEvent parse_rotate(std::span<const uint8_t> body);
// QUERY_EVENT; for QUERY_COMPRESSED_EVENT `sql` is the compressed blob, the decoder inflates it.
QueryEvent parse_query(std::span<const uint8_t> body, const FormatDescription& fd);
// Parses a status-variable block into `out` (stops at the first unknown code).
void parse_query_status(std::span<const uint8_t> block, QueryStatus& out);
XidEvent parse_xid(std::span<const uint8_t> body);
XaPrepareEvent parse_xa_prepare(std::span<const uint8_t> body);
GtidEvent parse_gtid(std::span<const uint8_t> body, bool anonymous);
MariaGtidEvent parse_maria_gtid(std::span<const uint8_t> body, uint32_t server_id);
GtidListEvent parse_gtid_list(std::span<const uint8_t> body);
BinlogCheckpointEvent parse_binlog_checkpoint(std::span<const uint8_t> body);
RowsQueryEvent parse_rows_query(std::span<const uint8_t> body);
HeartbeatEvent parse_heartbeat(std::span<const uint8_t> body, const EventHeader& h);
HeartbeatEvent parse_heartbeat_v2(std::span<const uint8_t> body);
IncidentEvent parse_incident(std::span<const uint8_t> body);
IntvarEvent parse_intvar(std::span<const uint8_t> body);
TransactionPayloadEvent parse_transaction_payload(std::span<const uint8_t> body);

}  // namespace starcdc::mysql::binlog
