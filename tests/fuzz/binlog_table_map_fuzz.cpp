// libFuzzer target: arbitrary bytes as a TABLE_MAP_EVENT body (post-header on, no checksum)
// through parse_table_map, then each column's SQL type, again after its collation is replaced
// (what EventDecoder::set_column_collations does). Malformed input must end in Error(Data).
//
// Input layout (tests/fuzz/make_corpus.py writes seeds in it):
//   byte 0   bit 0 MariaDB server (else MySQL), bit 1 pre-5.1 4-byte table ids (TABLE_MAP
//            post-header of 6 bytes, else 8)
//   then     the event body
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/table_map.hpp"

namespace starcdc::mysql::binlog {
namespace {

// Collations a column can carry: none, latin1, utf8mb3, utf8mb4, binary, utf8mb4_unicode_ci,
// utf8mb4_0900_ai_ci, and ids no server defines.
constexpr std::array<uint32_t, 9> kCollations = {0, 8, 33, 45, 63, 224, 255, 2047, 65535};

void run(const uint8_t* data, size_t size) {
  if (size == 0) {
    return;
  }
  FormatDescription fd;
  const bool mariadb = (data[0] & 1) != 0;
  fd.flavor = mariadb ? Flavor::MariaDb : Flavor::MySql;
  fd.server_version = mariadb ? "10.11.6-MariaDB-log" : "8.0.36";
  fd.version = mariadb ? ServerVersion{10, 11, 6} : ServerVersion{8, 0, 36};
  fd.post_header_lengths[static_cast<uint8_t>(EventType::TableMap)] = (data[0] & 2) != 0 ? 6 : 8;
  TableMap map;
  parse_table_map(std::span<const uint8_t>(data + 1, size - 1), fd, map);
  std::string sink = map.database + map.table;
  for (size_t i = 0; i < map.columns.size(); ++i) {
    ColumnDef& c = map.columns[i];
    sink += column_sql_type(c);
    sink += c.name;
    for (const std::string& label : c.labels) {
      sink += label;
    }
    sink.push_back(c.is_character(fd.flavor) ? 'c' : 'n');
    c.collation = kCollations[i % kCollations.size()];
    refresh_column(c, fd.flavor);
    sink += column_sql_type(c);
  }
  for (const uint16_t k : map.primary_key) {
    if (k >= map.columns.size()) {
      throw Error(ErrorKind::Internal,
                  "primary key column " + std::to_string(k) + " is past the last column");
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
      throw;
    }
  }
  return 0;
}
