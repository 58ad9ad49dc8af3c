// QUERY_EVENT: post-header, status variables, database and statement
// (libbinlogevents statement_events.h Query_event; MariaDB sql/log_event.h Q_* codes).
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/event_parsers.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr size_t kQueryPostHeaderBytes = 13;

enum QueryStatusCode : uint8_t {
  kFlags2 = 0x00,
  kSqlMode = 0x01,
  kCatalog = 0x02,
  kAutoIncrement = 0x03,
  kCharset = 0x04,
  kTimeZone = 0x05,
  kCatalogNz = 0x06,
  kLcTimeNames = 0x07,
  kCharsetDatabase = 0x08,
  kTableMapForUpdate = 0x09,
  kMasterDataWritten = 0x0A,
  kInvoker = 0x0B,
  kUpdatedDbNames = 0x0C,
  kMicroseconds = 0x0D,
  kExplicitDefaultsForTimestamp = 0x10,
  kDdlLoggedWithXid = 0x11,
  kDefaultCollationForUtf8mb4 = 0x12,
  kSqlRequirePrimaryKey = 0x13,
  kDefaultTableEncryption = 0x14,
  kHrnow = 0x80,       // MariaDB
  kMariaXid = 0x81,    // MariaDB
  kGtidFlags3 = 0x82,  // MariaDB 10.5+
};

constexpr uint8_t kTooManyDbs = 254;  // OVER_MAX_DBS_IN_EVENT_MTS

}  // namespace

void parse_query_status(std::span<const uint8_t> block, QueryStatus& s) {
  // Entries have no length, so an unknown code ends the parse; the database name and statement
  // are located from the block's length and are not affected.
  ByteReader r(block);
  while (!r.empty()) {
    const uint8_t code = r.u8();
    switch (code) {
      case kFlags2:
        s.flags2 = r.u32("Q_FLAGS2");
        break;
      case kSqlMode:
        s.sql_mode = r.u64("Q_SQL_MODE");
        break;
      case kCatalog: {
        const uint8_t len = r.u8("Q_CATALOG");
        s.catalog = r.str(len, "Q_CATALOG");
        r.skip(1, "Q_CATALOG");
        break;
      }
      case kAutoIncrement:
        s.auto_increment_increment = r.u16("Q_AUTO_INCREMENT");
        s.auto_increment_offset = r.u16("Q_AUTO_INCREMENT");
        break;
      case kCharset:
        s.charset_client = r.u16("Q_CHARSET");
        s.collation_connection = r.u16("Q_CHARSET");
        s.collation_server = r.u16("Q_CHARSET");
        break;
      case kTimeZone:
        s.time_zone = r.str(r.u8("Q_TIME_ZONE"), "Q_TIME_ZONE");
        break;
      case kCatalogNz:
        s.catalog = r.str(r.u8("Q_CATALOG_NZ"), "Q_CATALOG_NZ");
        break;
      case kLcTimeNames:
        s.lc_time_names = r.u16("Q_LC_TIME_NAMES");
        break;
      case kCharsetDatabase:
        s.collation_database = r.u16("Q_CHARSET_DATABASE");
        break;
      case kTableMapForUpdate:
        s.table_map_for_update = r.u64("Q_TABLE_MAP_FOR_UPDATE");
        break;
      case kMasterDataWritten:
        r.skip(4, "Q_MASTER_DATA_WRITTEN");
        break;
      case kInvoker:
        s.invoker_user = r.str(r.u8("Q_INVOKER"), "Q_INVOKER");
        s.invoker_host = r.str(r.u8("Q_INVOKER"), "Q_INVOKER");
        break;
      case kUpdatedDbNames: {
        const uint8_t count = r.u8("Q_UPDATED_DB_NAMES");
        s.updated_db_count = count;
        const uint8_t* start = r.data();
        if (count < kTooManyDbs) {
          for (uint8_t i = 0; i < count; ++i) {
            while (r.u8("Q_UPDATED_DB_NAMES") != 0) {
            }
          }
        }
        s.updated_db_names = std::string_view(reinterpret_cast<const char*>(start),
                                              static_cast<size_t>(r.data() - start));
        break;
      }
      case kMicroseconds:
        s.microseconds = r.u24("Q_MICROSECONDS");
        break;
      case kExplicitDefaultsForTimestamp:
        s.explicit_defaults_for_timestamp = r.u8("Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP");
        break;
      case kDdlLoggedWithXid:
        s.ddl_xid = r.u64("Q_DDL_LOGGED_WITH_XID");
        break;
      case kDefaultCollationForUtf8mb4:
        s.default_collation_for_utf8mb4 = r.u16("Q_DEFAULT_COLLATION_FOR_UTF8MB4");
        break;
      case kSqlRequirePrimaryKey:
        s.sql_require_primary_key = r.u8("Q_SQL_REQUIRE_PRIMARY_KEY");
        break;
      case kDefaultTableEncryption:
        s.default_table_encryption = r.u8("Q_DEFAULT_TABLE_ENCRYPTION");
        break;
      case kHrnow:
        s.hrnow = r.u24("Q_HRNOW");
        break;
      case kMariaXid:
        s.xid = r.u64("Q_XID");
        break;
      case kGtidFlags3:
        r.skip(1, "Q_GTID_FLAGS3");
        break;
      default:
        s.unknown_code = code;
        return;
    }
  }
}

QueryEvent parse_query(std::span<const uint8_t> body, const FormatDescription& fd) {
  ByteReader r(body);
  QueryEvent e;
  e.thread_id = r.u32("the thread id");
  e.exec_time = r.u32("the execution time");
  const uint8_t db_len = r.u8("the database name length");
  e.error_code = r.u16("the error code");
  const uint16_t status_len = r.u16("the status variables length");
  const size_t post = fd.post_header_length(EventType::Query);
  if (post > kQueryPostHeaderBytes) {
    r.skip(post - kQueryPostHeaderBytes, "the query post-header");
  }
  parse_query_status(r.bytes(status_len, "the status variables"), e.status);
  e.database = r.str(db_len, "the database name");
  r.skip(1, "the database name terminator");
  e.sql = as_chars(r.rest());
  return e;
}

}  // namespace starcdc::mysql::binlog
