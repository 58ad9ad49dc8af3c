#include "sources/mysql/binlog/checksum.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "sources/mysql/binlog/byte_reader.hpp"

namespace starcdc::mysql::binlog {

// zlib's CRC-32 (the same polynomial) runs at several GB/s; the binlog checks every event.
uint32_t crc32(uint32_t crc, std::span<const uint8_t> data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uLong c = crc;
  while (n > 0) {
    const auto step = static_cast<uInt>(std::min<size_t>(n, std::numeric_limits<uInt>::max()));
    c = ::crc32(c, p, step);
    p += step;
    n -= step;
  }
  return static_cast<uint32_t>(c);
}

bool event_checksum_ok(std::span<const uint8_t> event) {
  if (event.size() < 4) {
    return false;
  }
  const size_t body = event.size() - 4;
  return crc32(event.first(body)) == load_le32(event.data() + body);
}

}  // namespace starcdc::mysql::binlog
