// Typed binlog events and DecodedEvent, what EventDecoder::decode() returns. Views
// (string_view, span) point into the event bytes given to decode() or into the decoder's own
// buffers (decompressed data); they are valid until the next decode() and while those bytes live.
// Thread: pipeline.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "sources/mysql/binlog/event_header.hpp"

namespace starcdc::mysql::binlog {

struct TableMap;

struct FormatDescriptionEvent {
  FormatDescription fd;
};

// ROTATE_EVENT: the next file and the position of its first event. A fake rotate (timestamp 0,
// ARTIFICIAL) at the start of a dump names the file being read.
struct RotateEvent {
  uint64_t position = 0;
  std::string_view next_file;
};

// Status variables of a QUERY_EVENT that matter to a CDC reader (statement_events.h Q_*).
struct QueryStatus {
  std::optional<uint32_t> flags2;    // Q_FLAGS2_CODE
  std::optional<uint64_t> sql_mode;  // Q_SQL_MODE_CODE
  std::string_view catalog;          // Q_CATALOG_NZ_CODE / Q_CATALOG_CODE
  std::optional<uint16_t> auto_increment_increment, auto_increment_offset;
  // Q_CHARSET_CODE: character_set_client, collation_connection, collation_server.
  std::optional<uint16_t> charset_client, collation_connection, collation_server;
  std::string_view time_zone;                    // Q_TIME_ZONE_CODE
  std::optional<uint16_t> lc_time_names;         // Q_LC_TIME_NAMES_CODE
  std::optional<uint16_t> collation_database;    // Q_CHARSET_DATABASE_CODE
  std::optional<uint64_t> table_map_for_update;  // Q_TABLE_MAP_FOR_UPDATE_CODE
  std::string_view invoker_user, invoker_host;   // Q_INVOKER
  // Q_UPDATED_DB_NAMES: count (254 = too many to list) and the NUL-terminated names.
  std::optional<uint8_t> updated_db_count;
  std::string_view updated_db_names;     // names separated by '\0'
  std::optional<uint32_t> microseconds;  // Q_MICROSECONDS
  std::optional<uint8_t> explicit_defaults_for_timestamp;
  std::optional<uint64_t> ddl_xid;  // Q_DDL_LOGGED_WITH_XID
  std::optional<uint16_t> default_collation_for_utf8mb4;
  std::optional<uint8_t> sql_require_primary_key;
  std::optional<uint8_t> default_table_encryption;
  std::optional<uint32_t> hrnow;  // MariaDB Q_HRNOW (microseconds)
  std::optional<uint64_t> xid;    // MariaDB Q_XID
  // Set when parsing stopped at a code this library does not know; later values are missing.
  std::optional<uint8_t> unknown_code;
};

// QUERY_EVENT and MariaDB QUERY_COMPRESSED_EVENT (sql already decompressed).
struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view database;
  std::string_view sql;  // in the charset_client charset
  QueryStatus status;
  bool compressed = false;
};

struct XidEvent {
  uint64_t xid = 0;
};

// XA_PREPARE_LOG_EVENT.
struct XaPrepareEvent {
  bool one_phase = false;
  int32_t format_id = 0;
  std::string_view gtrid;
  std::string_view bqual;
};

// TABLE_MAP_EVENT. `table` lives in the decoder's cache (see EventDecoder::table()).
struct TableMapEvent {
  const TableMap* table = nullptr;
  bool changed = true;  // false when the cached map for this id had identical bytes
};

enum class RowsKind : uint8_t { Write, Update, Delete, PartialUpdate };

// WRITE/UPDATE/DELETE_ROWS v1 and v2, PARTIAL_UPDATE_ROWS, MariaDB compressed rows events. Read
// the rows with EventDecoder::rows().
struct RowsEvent {
  RowsKind kind = RowsKind::Write;
  uint64_t table_id = 0;
  uint16_t flags = 0;               // kRowsStmtEnd ...
  const TableMap* table = nullptr;  // null only for the dummy end-of-statement event (id 0xFFFFFF)
  uint32_t column_count = 0;
  std::optional<uint16_t> partition_id;         // v2 extra data, PARTITION info
  std::optional<uint16_t> source_partition_id;  // UPDATE / PARTIAL_UPDATE
  std::span<const uint8_t> present_before;      // columns-present bitmap of the before image
  std::span<const uint8_t> present_after;       // of the after image
  std::span<const uint8_t> rows;                // row data (decompressed for MariaDB compressed)
  bool compressed = false;

  bool has_before() const { return kind != RowsKind::Write; }
  bool has_after() const { return kind != RowsKind::Delete; }
  bool statement_end() const { return (flags & 0x0001) != 0; }
};

// GTID_LOG_EVENT / ANONYMOUS_GTID_LOG_EVENT / GTID_TAGGED_LOG_EVENT (MySQL).
struct GtidEvent {
  bool anonymous = false;
  uint8_t flags = 0;  // bit 0: may have statement-based changes
  std::array<uint8_t, 16> uuid{};
  uint64_t gno = 0;
  std::string_view tag;  // tagged GTIDs (8.3+), else empty
  std::optional<int64_t> last_committed, sequence_number;
  std::optional<uint64_t> immediate_commit_us;  // microseconds since the epoch
  std::optional<uint64_t> original_commit_us;   // equals immediate when not written
  std::optional<uint64_t> transaction_length;
  std::optional<uint32_t> immediate_server_version, original_server_version;
  std::optional<uint64_t> commit_group_ticket;

  std::string uuid_text() const;  // 8-4-4-4-12 lower-case hex
  std::string gtid_text() const;  // uuid[:tag]:gno
};

// PREVIOUS_GTIDS_LOG_EVENT: the GTID set (binary encoding) of earlier files.
struct PreviousGtidsEvent {
  std::span<const uint8_t> encoded;
  std::string text() const;  // "uuid:1-5:7,uuid2[:tag]:1-3"; throws Error(Data) if malformed
};

// MariaDB GTID_EVENT. The GTID's server id is the header's.
struct MariaGtidEvent {
  uint64_t seq_no = 0;
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint8_t flags = 0;  // FL_STANDALONE 1, FL_GROUP_COMMIT_ID 2, FL_TRANSACTIONAL 4, ... FL_DDL 32
  std::optional<uint64_t> commit_id;
  std::optional<int32_t> xa_format_id;  // FL_PREPARED_XA 64 / FL_COMPLETED_XA 128
  std::string_view xa_gtrid, xa_bqual;
  uint8_t flags_extra = 0;  // 10.8+ extra flags byte when present

  bool standalone() const { return (flags & 0x01) != 0; }
  bool transactional() const { return (flags & 0x04) != 0; }
  bool ddl() const { return (flags & 0x20) != 0; }
  std::string gtid_text() const;  // domain-server-seq
};

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
};

// MariaDB GTID_LIST_EVENT.
struct GtidListEvent {
  uint8_t flags = 0;  // top 4 bits of the count word
  uint32_t count = 0;
  std::span<const uint8_t> entries;  // count x 16 bytes
  MariaGtid at(uint32_t i) const;
  std::string text() const;  // "0-1-100,1-2-7"
};

struct AnnotateRowsEvent {
  std::string_view sql;
};
struct BinlogCheckpointEvent {
  std::string_view file;
};
struct RowsQueryEvent {
  std::string_view sql;
};
// HEARTBEAT_LOG_EVENT (v1: file in the body, position in the header) and _V2 (both in the body).
struct HeartbeatEvent {
  std::string_view file;
  uint64_t position = 0;
  bool v2 = false;
};
struct StopEvent {};
struct IncidentEvent {
  uint16_t incident = 0;  // 1 = LOST_EVENTS
  std::string_view message;
};
struct IntvarEvent {
  uint8_t type = 0;  // 1 LAST_INSERT_ID, 2 INSERT_ID
  uint64_t value = 0;
};
// TRANSACTION_PAYLOAD_EVENT: read the inner events with EventDecoder::next_payload_event().
struct TransactionPayloadEvent {
  uint64_t compression = 0;  // 0 ZSTD, 255 NONE
  uint64_t payload_size = 0;
  uint64_t uncompressed_size = 0;
  std::span<const uint8_t> payload;
};
// Any other event: skipped by its length. `ignorable` is the header's IGNORABLE flag; an
// unknown event without it is one the reader may not skip safely.
struct UnknownEvent {
  uint8_t type_code = 0;
  bool ignorable = false;
  std::span<const uint8_t> body;
};

using EventBody = std::variant<UnknownEvent, FormatDescriptionEvent, RotateEvent, QueryEvent,
                               XidEvent, XaPrepareEvent, TableMapEvent, RowsEvent, GtidEvent,
                               PreviousGtidsEvent, MariaGtidEvent, GtidListEvent, AnnotateRowsEvent,
                               BinlogCheckpointEvent, RowsQueryEvent, HeartbeatEvent, StopEvent,
                               IncidentEvent, IntvarEvent, TransactionPayloadEvent>;

struct DecodedEvent {
  EventHeader header;
  EventBody body;

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&body);
  }
};

}  // namespace starcdc::mysql::binlog
