// Helpers for the binlog decoder tests: hex to bytes, building v4 events by hand, rendering
// decoded rows as text.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/model/change_event.hpp"
#include "pipeline/model/value.hpp"
#include "sources/mysql/binlog/checksum.hpp"
#include "sources/mysql/binlog/event_type.hpp"

namespace starcdc::mysql::binlog::test {

using Bytes = std::vector<uint8_t>;

inline Bytes hex(std::string_view s) {
  Bytes out;
  int hi = -1;
  for (const char c : s) {
    int v = -1;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    }
    if (v < 0) {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

// Appends little-endian integers and raw bytes.
struct Writer {
  Bytes b;
  Writer& u8(uint64_t v) { return le(v, 1); }
  Writer& u16(uint64_t v) { return le(v, 2); }
  Writer& u24(uint64_t v) { return le(v, 3); }
  Writer& u32(uint64_t v) { return le(v, 4); }
  Writer& u48(uint64_t v) { return le(v, 6); }
  Writer& u64(uint64_t v) { return le(v, 8); }
  Writer& le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) {
      b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    return *this;
  }
  Writer& be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
      b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    return *this;
  }
  Writer& lenenc(uint64_t v) {
    if (v < 251) {
      return u8(v);
    }
    if (v < 65536) {
      return u8(0xFC).u16(v);
    }
    if (v < (1U << 24)) {
      return u8(0xFD).u24(v);
    }
    return u8(0xFE).u64(v);
  }
  Writer& raw(std::span<const uint8_t> s) {
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Writer& raw(std::initializer_list<uint8_t> s) {
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Writer& str(std::string_view s) {
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
};

inline std::string_view as_view(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// A whole v4 event: header + body (+ CRC-32 when `crc`).
inline Bytes event(EventType type, std::span<const uint8_t> body, bool crc = false,
                   uint32_t log_pos = 1000, uint16_t flags = 0) {
  Writer w;
  const size_t size = 19 + body.size() + (crc ? 4 : 0);
  w.u32(1700000000).u8(static_cast<uint8_t>(type)).u32(1).u32(size).u32(log_pos).u16(flags);
  w.raw(body);
  if (crc) {
    w.u32(crc32(w.b));
  }
  return w.b;
}

// A FORMAT_DESCRIPTION_EVENT of a MySQL 8 (or MariaDB) server.
inline Bytes format_description(bool crc, std::string_view version = "8.0.36") {
  Writer w;
  w.u16(4);
  std::string v(version);
  v.resize(50, '\0');
  w.str(v).u32(0).u8(19);
  // Post-header lengths for types 1..42 as MySQL 8 writes them (TABLE_MAP 8, rows v1 8, v2 10).
  for (int t = 1; t <= 42; ++t) {
    uint8_t len = 0;
    if (t == 2) {
      len = 13;
    } else if (t == 4) {
      len = 8;
    } else if (t == 15) {
      len = 98;
    } else if (t == 19 || (t >= 23 && t <= 25)) {
      len = 8;
    } else if ((t >= 30 && t <= 32) || t == 39) {
      len = 10;
    } else if (t == 33 || t == 34) {
      len = 42;
    }
    w.u8(len);
  }
  w.u8(crc ? 1 : 0);
  Bytes body = w.b;
  Bytes e = event(EventType::FormatDescription, body, false, 0);
  // The 4 checksum bytes follow the algorithm byte, counted in the size.
  Writer out;
  out.raw(e);
  out.u32(0);
  out.b[9] = static_cast<uint8_t>(out.b.size());
  if (crc) {
    const uint32_t c = crc32(std::span<const uint8_t>(out.b).first(out.b.size() - 4));
    for (int i = 0; i < 4; ++i) {
      out.b[out.b.size() - 4 + static_cast<size_t>(i)] = static_cast<uint8_t>(c >> (8 * i));
    }
  }
  return out.b;
}

// Renders a value as "<kind>:<text>" for comparisons.
inline std::string show(const Value& v) {
  ByteBuffer b;
  switch (v.kind) {
    case ValueKind::Null:
      return "null";
    case ValueKind::Int:
      b.append("i:");
      break;
    case ValueKind::UInt:
      b.append("u:");
      break;
    case ValueKind::Double:
      b.append("f:");
      break;
    case ValueKind::Decimal:
      return "dec:" + std::string(v.text());
    case ValueKind::String:
      return "s:" + std::string(v.text());
    case ValueKind::Json:
      return "json:" + std::string(v.text());
    case ValueKind::Bytes:
      b.append("b:");
      break;
    case ValueKind::Date:
      b.append("date:");
      append_temporal_text(v, b);
      return std::string(b.view());
    case ValueKind::Time:
      b.append("time:");
      append_temporal_text(v, b);
      return std::string(b.view());
    case ValueKind::DateTime:
      b.append("dt:");
      append_temporal_text(v, b);
      return std::string(b.view());
    case ValueKind::Timestamp:
      b.append("ts:");
      append_temporal_text(v, b);
      return std::string(b.view());
    case ValueKind::Bool:
      return v.i != 0 ? "true" : "false";
  }
  if (v.kind == ValueKind::Bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : v.text()) {
      b.push_back(kHex[static_cast<uint8_t>(c) >> 4]);
      b.push_back(kHex[static_cast<uint8_t>(c) & 15]);
    }
    return std::string(b.view());
  }
  append_json_value(v, b);
  return std::string(b.view());
}

inline std::vector<std::string> show(const RowImage& img) {
  std::vector<std::string> out;
  for (size_t i = 0; i < img.values.size(); ++i) {
    out.push_back(img.present.has(i) ? show(img.values[i]) : "absent");
  }
  return out;
}

}  // namespace starcdc::mysql::binlog::test
