// Collation ids → character sets, and conversion of column bytes to UTF-8. utf8mb4, utf8mb3 and
// ascii pass through unchanged; latin1 (MySQL's latin1 is cp1252) and the UCS-2/UTF-16/UTF-32
// families are converted; anything else is reported by the caller as unsupported.
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace starcdc {
class ByteBuffer;
}

namespace starcdc::mysql::binlog {

enum class Charset : uint8_t {
  Unknown,  // no collation known (no optional metadata)
  Binary,   // collation 63: BINARY, VARBINARY, BLOB
  Utf8mb4,
  Utf8mb3,
  Ascii,
  Latin1,
  Ucs2,
  Utf16,
  Utf16le,
  Utf32,
  Other,  // a charset this library cannot convert
};

inline constexpr uint32_t kBinaryCollation = 63;

// Classifies a MySQL or MariaDB collation id (MariaDB's 2048+ UCA-14 ids included).
Charset charset_of_collation(uint32_t collation_id);
const char* charset_name(Charset cs);
// True when the bytes are already UTF-8 (or binary) and need no conversion.
inline bool charset_passes_through(Charset cs) {
  return cs == Charset::Utf8mb4 || cs == Charset::Utf8mb3 || cs == Charset::Ascii ||
         cs == Charset::Unknown || cs == Charset::Binary;
}
// True when the bytes of `in` need no conversion for `cs` (latin1 text that is pure ASCII).
bool conversion_needed(Charset cs, std::span<const uint8_t> in);
// Appends `in` converted from `cs` to UTF-8. Returns false when `cs` cannot be converted (Other)
// or the input is not a whole number of code units.
bool append_utf8(Charset cs, std::span<const uint8_t> in, ByteBuffer& out);
// Upper bound of the UTF-8 size of `n` input bytes in `cs`.
size_t utf8_size_bound(Charset cs, size_t n);

}  // namespace starcdc::mysql::binlog
