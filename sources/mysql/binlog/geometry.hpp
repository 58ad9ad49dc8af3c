// MySQL/MariaDB GEOMETRY values (4-byte little-endian SRID + OGC WKB) → WKT text in the layout
// MySQL 8's ST_AsText() prints: "POINT(1 2)", "MULTIPOINT((0 0),(1 1))",
// "GEOMETRYCOLLECTION EMPTY"; coordinates in stored (x y) order, shortest round-trip numbers.
// The SRID is dropped unless asked for, then it leads as "SRID=4326;" (PostGIS EWKT).
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <span>

namespace starcdc {
class ByteBuffer;
}

namespace starcdc::mysql::binlog {

// Appends the WKT of `value` and returns its SRID. Throws Error(Data) when malformed.
uint32_t append_geometry_wkt(std::span<const uint8_t> value, bool srid_prefix, ByteBuffer& out);

}  // namespace starcdc::mysql::binlog
