// Binlog event type codes (MySQL libbinlogevents binlog_event.h Log_event_type, MariaDB
// sql/log_event.h) and the v4 header flags. Thread: any (constants only).
#pragma once

#include <cstdint>

namespace starcdc::mysql::binlog {

enum class EventType : uint8_t {
  Unknown = 0,
  StartV3 = 1,
  Query = 2,                     // QUERY_EVENT
  Stop = 3,                      // STOP_EVENT
  Rotate = 4,                    // ROTATE_EVENT
  Intvar = 5,                    // INTVAR_EVENT
  Rand = 13,                     // RAND_EVENT
  UserVar = 14,                  // USER_VAR_EVENT
  FormatDescription = 15,        // FORMAT_DESCRIPTION_EVENT
  Xid = 16,                      // XID_EVENT
  TableMap = 19,                 // TABLE_MAP_EVENT
  WriteRowsV1 = 23,              // WRITE_ROWS_EVENT_V1 (MariaDB's default numbering)
  UpdateRowsV1 = 24,             // UPDATE_ROWS_EVENT_V1
  DeleteRowsV1 = 25,             // DELETE_ROWS_EVENT_V1
  Incident = 26,                 // INCIDENT_EVENT
  Heartbeat = 27,                // HEARTBEAT_LOG_EVENT
  Ignorable = 28,                // IGNORABLE_LOG_EVENT
  RowsQuery = 29,                // ROWS_QUERY_LOG_EVENT
  WriteRows = 30,                // WRITE_ROWS_EVENT (v2)
  UpdateRows = 31,               // UPDATE_ROWS_EVENT (v2)
  DeleteRows = 32,               // DELETE_ROWS_EVENT (v2)
  Gtid = 33,                     // GTID_LOG_EVENT
  AnonymousGtid = 34,            // ANONYMOUS_GTID_LOG_EVENT
  PreviousGtids = 35,            // PREVIOUS_GTIDS_LOG_EVENT
  TransactionContext = 36,       // TRANSACTION_CONTEXT_EVENT
  ViewChange = 37,               // VIEW_CHANGE_EVENT
  XaPrepare = 38,                // XA_PREPARE_LOG_EVENT
  PartialUpdateRows = 39,        // PARTIAL_UPDATE_ROWS_EVENT
  TransactionPayload = 40,       // TRANSACTION_PAYLOAD_EVENT
  HeartbeatV2 = 41,              // HEARTBEAT_LOG_EVENT_V2
  GtidTagged = 42,               // GTID_TAGGED_LOG_EVENT
  AnnotateRows = 160,            // ANNOTATE_ROWS_EVENT (MariaDB)
  BinlogCheckpoint = 161,        // BINLOG_CHECKPOINT_EVENT (MariaDB)
  MariaGtid = 162,               // GTID_EVENT (MariaDB)
  GtidList = 163,                // GTID_LIST_EVENT (MariaDB)
  StartEncryption = 164,         // START_ENCRYPTION_EVENT (MariaDB)
  QueryCompressed = 165,         // QUERY_COMPRESSED_EVENT (MariaDB)
  WriteRowsCompressedV1 = 166,   // WRITE_ROWS_COMPRESSED_EVENT_V1 (MariaDB)
  UpdateRowsCompressedV1 = 167,  // UPDATE_ROWS_COMPRESSED_EVENT_V1
  DeleteRowsCompressedV1 = 168,  // DELETE_ROWS_COMPRESSED_EVENT_V1
  WriteRowsCompressed = 169,     // WRITE_ROWS_COMPRESSED_EVENT (v2 layout)
  UpdateRowsCompressed = 170,    // UPDATE_ROWS_COMPRESSED_EVENT
  DeleteRowsCompressed = 171,    // DELETE_ROWS_COMPRESSED_EVENT
};

// The protocol name of an event type ("WRITE_ROWS_EVENT"), or "UNKNOWN_EVENT(<n>)" held in a
// thread-local buffer for codes this library does not know.
const char* event_type_name(EventType type);
inline const char* event_type_name(uint8_t code) {
  return event_type_name(static_cast<EventType>(code));
}

// v4 header flags (binlog_event.h LOG_EVENT_*_F).
inline constexpr uint16_t kFlagBinlogInUse = 0x0001;
inline constexpr uint16_t kFlagThreadSpecific = 0x0004;
inline constexpr uint16_t kFlagSuppressUse = 0x0008;
inline constexpr uint16_t kFlagArtificial = 0x0020;
inline constexpr uint16_t kFlagRelayLog = 0x0040;
inline constexpr uint16_t kFlagIgnorable = 0x0080;
inline constexpr uint16_t kFlagSkipReplication = 0x8000;  // MariaDB

// Rows event flags (post-header).
inline constexpr uint16_t kRowsStmtEnd = 0x0001;
inline constexpr uint16_t kRowsNoForeignKeyChecks = 0x0002;
inline constexpr uint16_t kRowsRelaxedUniqueChecks = 0x0004;
inline constexpr uint16_t kRowsCompleteRows = 0x0008;

}  // namespace starcdc::mysql::binlog
