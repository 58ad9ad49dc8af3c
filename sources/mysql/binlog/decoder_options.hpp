// DecoderOptions: the choices a binlog reader makes about values MySQL allows but a typed sink
// cannot always hold. Thread: any (plain data).
#pragma once

#include <cstdint>

namespace starcdc::mysql::binlog {

// Zero and partial-zero dates ('0000-00-00', '2024-00-15', a zero TIMESTAMP) and impossible ones
// ('2024-02-30' under ALLOW_INVALID_DATES) have no day number.
enum class ZeroDatePolicy : uint8_t {
  Null,   // the value becomes NULL (Debezium's default)
  Text,   // a String with MySQL's text: "0000-00-00", "2024-00-15 10:00:00.000"
  Epoch,  // 1970-01-01 (00:00:00) in the column's own kind and scale
  Error,  // Error(Data) naming the column
};

struct DecoderOptions {
  bool verify_checksums = true;
  ZeroDatePolicy zero_dates = ZeroDatePolicy::Null;
  // BINARY(N) values lose trailing 0x00 bytes in the binlog; re-pad them to N.
  bool pad_binary = true;
  // Prefix WKT with "SRID=<n>;" (EWKT) instead of dropping the SRID.
  bool geometry_srid_prefix = false;
  // Apply PARTIAL_UPDATE_ROWS JSON diffs to the before image's document when it is there.
  bool apply_json_diffs = true;
  // Upper bound of one decompressed MariaDB event or one TRANSACTION_PAYLOAD inner event.
  uint64_t max_decompressed_bytes = uint64_t{1} << 30;
};

}  // namespace starcdc::mysql::binlog
