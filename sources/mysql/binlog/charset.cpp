#include "sources/mysql/binlog/charset.hpp"

#include <array>

#include "pipeline/common/byte_buffer.hpp"

namespace starcdc::mysql::binlog {
namespace {

// Collation id ranges per charset: MariaDB 10.11's information_schema.COLLATIONS and
// COLLATION_CHARACTER_SET_APPLICABILITY (ids up to 1270, UCA-14.0 blocks of 256 from 2048), plus
// MySQL 8.0's utf8mb4_0900 family (255-323) and utf8mb3_tolower_ci (76).
struct Range {
  uint16_t first;
  uint16_t last;
  Charset cs;
};

constexpr std::array<Range, 44> kRanges = {{
    {5, 5, Charset::Latin1},        {8, 8, Charset::Latin1},        {11, 11, Charset::Ascii},
    {15, 15, Charset::Latin1},      {31, 31, Charset::Latin1},      {33, 33, Charset::Utf8mb3},
    {35, 35, Charset::Ucs2},        {45, 46, Charset::Utf8mb4},     {47, 49, Charset::Latin1},
    {54, 55, Charset::Utf16},       {56, 56, Charset::Utf16le},     {60, 61, Charset::Utf32},
    {62, 62, Charset::Utf16le},     {63, 63, Charset::Binary},      {65, 65, Charset::Ascii},
    {76, 76, Charset::Utf8mb3},     {83, 83, Charset::Utf8mb3},     {90, 90, Charset::Ucs2},
    {94, 94, Charset::Latin1},      {101, 124, Charset::Utf16},     {128, 151, Charset::Ucs2},
    {159, 159, Charset::Ucs2},      {160, 183, Charset::Utf32},     {192, 215, Charset::Utf8mb3},
    {223, 223, Charset::Utf8mb3},   {224, 247, Charset::Utf8mb4},   {255, 323, Charset::Utf8mb4},
    {576, 578, Charset::Utf8mb3},   {608, 610, Charset::Utf8mb4},   {640, 642, Charset::Ucs2},
    {672, 674, Charset::Utf16},     {736, 738, Charset::Utf32},     {1032, 1032, Charset::Latin1},
    {1035, 1035, Charset::Ascii},   {1057, 1057, Charset::Utf8mb3}, {1059, 1059, Charset::Ucs2},
    {1069, 1070, Charset::Utf8mb4}, {1071, 1071, Charset::Latin1},  {1078, 1079, Charset::Utf16},
    {1080, 1080, Charset::Utf16le}, {1084, 1085, Charset::Utf32},   {1086, 1086, Charset::Utf16le},
    {1089, 1089, Charset::Ascii},   {1107, 1107, Charset::Utf8mb3},
}};

constexpr std::array<Range, 10> kMoreRanges = {{
    {1114, 1114, Charset::Ucs2},
    {1125, 1125, Charset::Utf16},
    {1147, 1147, Charset::Utf16},
    {1152, 1152, Charset::Ucs2},
    {1174, 1174, Charset::Ucs2},
    {1184, 1184, Charset::Utf32},
    {1206, 1206, Charset::Utf32},
    {1216, 1216, Charset::Utf8mb3},
    {1238, 1238, Charset::Utf8mb3},
    {1248, 1248, Charset::Utf8mb4},
}};

// MySQL's latin1 is Windows-1252 with the five undefined bytes (0x81 0x8D 0x8F 0x90 0x9D)
// mapped to the C1 controls of the same value (strings/ctype-latin1.cc to_uni table).
constexpr std::array<uint16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

size_t put_utf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

bool append_utf16(std::span<const uint8_t> in, bool little_endian, ByteBuffer& out) {
  if (in.size() % 2 != 0) {
    return false;
  }
  char* dst = out.prepare(in.size() * 2);
  size_t n = 0;
  for (size_t i = 0; i < in.size(); i += 2) {
    auto unit = [&](size_t at) -> uint32_t {
      return little_endian ? (uint32_t{in[at + 1]} << 8) | in[at]
                           : (uint32_t{in[at]} << 8) | in[at + 1];
    };
    uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < in.size()) {
      const uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      }
    }
    n += put_utf8(cp, dst + n);
  }
  out.commit(n);
  return true;
}

}  // namespace

Charset charset_of_collation(uint32_t id) {
  if (id == 0) {
    return Charset::Unknown;
  }
  if (id >= 2048 && id < 3328) {  // MariaDB UCA-14.0 collations: one block of 256 per charset
    constexpr std::array<Charset, 5> kBlocks = {Charset::Utf8mb3, Charset::Utf8mb4, Charset::Ucs2,
                                                Charset::Utf16, Charset::Utf32};
    return kBlocks[(id - 2048) / 256];
  }
  for (const Range& r : kRanges) {
    if (id >= r.first && id <= r.last) {
      return r.cs;
    }
  }
  for (const Range& r : kMoreRanges) {
    if (id >= r.first && id <= r.last) {
      return r.cs;
    }
  }
  return Charset::Other;
}

const char* charset_name(Charset cs) {
  switch (cs) {
    case Charset::Unknown:
      return "unknown";
    case Charset::Binary:
      return "binary";
    case Charset::Utf8mb4:
      return "utf8mb4";
    case Charset::Utf8mb3:
      return "utf8mb3";
    case Charset::Ascii:
      return "ascii";
    case Charset::Latin1:
      return "latin1";
    case Charset::Ucs2:
      return "ucs2";
    case Charset::Utf16:
      return "utf16";
    case Charset::Utf16le:
      return "utf16le";
    case Charset::Utf32:
      return "utf32";
    case Charset::Other:
      return "other";
  }
  return "other";
}

bool conversion_needed(Charset cs, std::span<const uint8_t> in) {
  if (charset_passes_through(cs)) {
    return false;
  }
  if (cs == Charset::Latin1) {
    for (const uint8_t b : in) {
      if (b >= 0x80) {
        return true;
      }
    }
    return false;
  }
  return true;
}

size_t utf8_size_bound(Charset cs, size_t n) {
  switch (cs) {
    case Charset::Latin1:
      return n * 3;
    case Charset::Ucs2:
    case Charset::Utf16:
    case Charset::Utf16le:
      return n * 2;
    default:
      return n;
  }
}

bool append_utf8(Charset cs, std::span<const uint8_t> in, ByteBuffer& out) {
  switch (cs) {
    case Charset::Latin1: {
      char* dst = out.prepare(in.size() * 3);
      size_t n = 0;
      for (const uint8_t b : in) {
        const uint32_t cp = (b >= 0x80 && b < 0xA0) ? kCp1252High[b - 0x80] : b;
        n += put_utf8(cp, dst + n);
      }
      out.commit(n);
      return true;
    }
    case Charset::Ucs2:
    case Charset::Utf16:
      return append_utf16(in, false, out);
    case Charset::Utf16le:
      return append_utf16(in, true, out);
    case Charset::Utf32: {
      if (in.size() % 4 != 0) {
        return false;
      }
      char* dst = out.prepare(in.size());
      size_t n = 0;
      for (size_t i = 0; i < in.size(); i += 4) {
        const uint32_t cp = (uint32_t{in[i]} << 24) | (uint32_t{in[i + 1]} << 16) |
                            (uint32_t{in[i + 2]} << 8) | in[i + 3];
        if (cp > 0x10FFFF) {
          return false;
        }
        n += put_utf8(cp, dst + n);
      }
      out.commit(n);
      return true;
    }
    case Charset::Other:
      return false;
    default:
      out.append(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
      return true;
  }
}

}  // namespace starcdc::mysql::binlog
