#include "pipeline/model/value.hpp"

#include <cstdio>

#include "pipeline/common/byte_buffer.hpp"

namespace starcdc {
namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) {
    ++y;
  }
}

void append_digits(ByteBuffer& out, uint64_t v, int width) {
  char buf[24];
  int i = width;
  while (i > 0) {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(std::string_view(buf, static_cast<size_t>(width)));
}

void append_fraction(ByteBuffer& out, uint64_t micros, uint8_t scale) {
  if (scale == 0) {
    return;
  }
  out.push_back('.');
  uint64_t frac = micros;
  for (int i = scale; i < 6; ++i) {
    frac /= 10;
  }
  append_digits(out, frac, scale);
}

void append_date(ByteBuffer& out, int64_t days) {
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  if (y < 0) {
    out.push_back('-');
    y = -y;
  }
  append_digits(out, static_cast<uint64_t>(y), 4);
  out.push_back('-');
  append_digits(out, m, 2);
  out.push_back('-');
  append_digits(out, d, 2);
}

constexpr int64_t kMicrosPerDay = 86'400'000'000;

void append_base64(ByteBuffer& out, std::string_view s) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  for (; i + 3 <= s.size(); i += 3) {
    const uint32_t n = (uint32_t{b[i]} << 16) | (uint32_t{b[i + 1]} << 8) | b[i + 2];
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  const size_t rest = s.size() - i;
  if (rest > 0) {
    uint32_t n = uint32_t{b[i]} << 16;
    if (rest == 2) {
      n |= uint32_t{b[i + 1]} << 8;
    }
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
}

}  // namespace

void append_temporal_text(const Value& v, ByteBuffer& out) {
  switch (v.kind) {
    case ValueKind::Date:
      append_date(out, v.i);
      return;
    case ValueKind::Time: {
      uint64_t micros = v.i < 0 ? static_cast<uint64_t>(-v.i) : static_cast<uint64_t>(v.i);
      if (v.i < 0) {
        out.push_back('-');
      }
      const uint64_t secs = micros / 1'000'000;
      append_digits(out, secs / 3600, secs / 3600 >= 100 ? 3 : 2);
      out.push_back(':');
      append_digits(out, (secs / 60) % 60, 2);
      out.push_back(':');
      append_digits(out, secs % 60, 2);
      append_fraction(out, micros % 1'000'000, v.scale);
      return;
    }
    case ValueKind::DateTime:
    case ValueKind::Timestamp: {
      int64_t days = v.i / kMicrosPerDay;
      int64_t rem = v.i % kMicrosPerDay;
      if (rem < 0) {
        rem += kMicrosPerDay;
        --days;
      }
      append_date(out, days);
      out.push_back(' ');
      const auto r = static_cast<uint64_t>(rem);
      const uint64_t secs = r / 1'000'000;
      append_digits(out, secs / 3600, 2);
      out.push_back(':');
      append_digits(out, (secs / 60) % 60, 2);
      out.push_back(':');
      append_digits(out, secs % 60, 2);
      append_fraction(out, r % 1'000'000, v.scale);
      return;
    }
    default:
      return;
  }
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
