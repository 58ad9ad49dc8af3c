#include "pipeline/model/value.hpp"

#include <cstdio>

#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/model/calendar.hpp"

namespace starcdc {
namespace {

// Temporal text is built in a stack buffer and appended once (it is on the hot path of every
// encoder).
struct TextBuf {
  char b[48];
  size_t n = 0;
  void put(char c) { b[n++] = c; }
  void digits(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      b[n + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    n += static_cast<size_t>(width);
  }
  void fraction(uint64_t micros, uint8_t scale) {
    if (scale == 0) {
      return;
    }
    put('.');
    uint64_t frac = micros;
    for (int i = scale; i < 6; ++i) {
      frac /= 10;
    }
    digits(frac, scale);
  }
  // H:MM:SS (hours at least two digits, three from 100).
  void clock(uint64_t secs) {
    digits(secs / 3600, secs / 3600 >= 100 ? 3 : 2);
    put(':');
    digits((secs / 60) % 60, 2);
    put(':');
    digits(secs % 60, 2);
  }
  void date(int64_t days) {
    int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(days, y, m, d);
    if (y < 0) {
      put('-');
      y = -y;
    }
    digits(static_cast<uint64_t>(y), y >= 10000 ? 5 : 4);
    put('-');
    digits(m, 2);
    put('-');
    digits(d, 2);
  }
};

}  // namespace

void append_temporal_text(const Value& v, ByteBuffer& out) {
  TextBuf t;
  switch (v.kind) {
    case ValueKind::Date:
      t.date(v.i);
      break;
    case ValueKind::Time: {
      uint64_t micros = v.i < 0 ? static_cast<uint64_t>(-v.i) : static_cast<uint64_t>(v.i);
      if (v.i < 0) {
        t.put('-');
      }
      t.clock(micros / 1'000'000);
      t.fraction(micros % 1'000'000, v.scale);
      break;
    }
    case ValueKind::DateTime:
    case ValueKind::Timestamp: {
      int64_t days = v.i / kMicrosPerDay;
      int64_t rem = v.i % kMicrosPerDay;
      if (rem < 0) {
        rem += kMicrosPerDay;
        --days;
      }
      t.date(days);
      t.put(' ');
      const auto r = static_cast<uint64_t>(rem);
      t.clock(r / 1'000'000);
      t.fraction(r % 1'000'000, v.scale);
      break;
    }
    default:
      return;
  }
  out.append(std::string_view(t.b, t.n));
}

void append_json_value(const Value& v, ByteBuffer& out) {
  switch (v.kind) {
    case ValueKind::Null:
      out.append("null");
      return;
    case ValueKind::Bool:
      out.append(v.i != 0 ? "true" : "false");
      return;
    case ValueKind::Int:
      out.append_int(v.i);
      return;
    case ValueKind::UInt:
      out.append_int(v.u);
      return;
    case ValueKind::Double:
      out.append_double(v.d);
      return;
    case ValueKind::Decimal:
    case ValueKind::String:
    case ValueKind::Json:
      append_json_string(out, v.text());
      return;
    case ValueKind::Bytes:
      out.push_back('"');
      append_base64(out, v.text());
      out.push_back('"');
      return;
    case ValueKind::Date:
    case ValueKind::Time:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
      out.push_back('"');
      append_temporal_text(v, out);
      out.push_back('"');
      return;
  }
}

bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) {
    return false;
  }
  switch (a.kind) {
    case ValueKind::Null:
      return true;
    case ValueKind::Double:
      return a.d == b.d;
    case ValueKind::Decimal:
    case ValueKind::String:
    case ValueKind::Bytes:
    case ValueKind::Json:
      return a.text() == b.text();
    default:
      return a.i == b.i;
  }
}

}  // namespace starcdc
