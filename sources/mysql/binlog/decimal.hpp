// MySQL's packed DECIMAL (strings/decimal.cc decimal2bin) → exact decimal text, never through a
// double: used by NEWDECIMAL columns and by JSON's opaque DECIMAL values. Thread: any.
#pragma once

#include <cstddef>
#include <cstdint>

namespace starcdc::mysql::binlog {

// Bytes of a packed DECIMAL(precision, scale).
size_t decimal_bin_size(int precision, int scale);
// Largest text decimal_to_text() can write for a precision: sign, digits, point, leading zero.
inline size_t decimal_text_bound(int precision) { return static_cast<size_t>(precision) + 3; }
// Writes the text of the packed decimal at `bin` (decimal_bin_size bytes) to `out`, e.g.
// "-1234.5678", "0.05", "11": scale digits after the point, no leading zeros before it.
// Returns the length, or 0 when a digit group is out of range (corrupt data).
size_t decimal_to_text(const uint8_t* bin, int precision, int scale, char* out);

}  // namespace starcdc::mysql::binlog
