// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's crc32) for binlog event
// checksums and gzip trailers. Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <span>

namespace starcdc::mysql::binlog {

// Continues a CRC-32 over `data`; start with crc = 0.
uint32_t crc32(uint32_t crc, std::span<const uint8_t> data);
inline uint32_t crc32(std::span<const uint8_t> data) { return crc32(0, data); }

// True when the last 4 bytes of `event` are the little-endian CRC-32 of the bytes before them.
bool event_checksum_ok(std::span<const uint8_t> event);

}  // namespace starcdc::mysql::binlog
