// DEFLATE decompression (RFC 1951) with zlib (RFC 1950) and gzip (RFC 1952) framing, for
// MariaDB's compressed events (log_bin_compress) and gzipped binlog files in tests and tools.
// A small self-contained decoder, so the library needs no zlib. Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace starcdc::mysql::binlog {

// Each replaces `out` with the decompressed bytes. They return false when the input is corrupt,
// its check value (Adler-32 / CRC-32) does not match, or the output would exceed `max_bytes`.
bool zlib_decompress(std::span<const uint8_t> in, uint64_t max_bytes, std::vector<uint8_t>& out);
bool gzip_decompress(std::span<const uint8_t> in, uint64_t max_bytes, std::vector<uint8_t>& out);

// MariaDB's compressed blob (sql/log_event.cc binlog_buf_uncompress): a header byte
// 0x80 | algorithm << 4 | n (algorithm 0 = zlib, n = 1..4), the uncompressed length in n
// big-endian bytes, then a zlib stream. Also checks the length.
bool mariadb_decompress(std::span<const uint8_t> in, uint64_t max_bytes, std::vector<uint8_t>& out);

}  // namespace starcdc::mysql::binlog
