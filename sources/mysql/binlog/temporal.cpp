#include "sources/mysql/binlog/temporal.hpp"

namespace starcdc::mysql::binlog {
namespace {

char* put(char* out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + width;
}

char* put_fraction(char* out, uint32_t micros, int fsp) {
  if (fsp <= 0) {
    return out;
  }
  *out++ = '.';
  uint32_t v = micros;
  for (int i = fsp; i < 6; ++i) {
    v /= 10;
  }
  return put(out, v, fsp);
}

// |packed| without negating INT64_MIN, which has no positive int64_t.
uint64_t magnitude(int64_t packed) {
  return packed < 0 ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
}

}  // namespace

CivilDateTime unpack_datetime(int64_t packed) {
  CivilDateTime t;
  t.negative = packed < 0;
  const uint64_t u = magnitude(packed);
  t.micros = static_cast<uint32_t>(u % (1ULL << 24));
  const uint64_t intpart = u >> 24;
  const uint64_t ymd = intpart >> 17;
  const uint64_t ym = ymd >> 5;
  const uint64_t hms = intpart % (1ULL << 17);
  t.day = static_cast<uint32_t>(ymd % (1U << 5));
  t.month = static_cast<uint32_t>(ym % 13);
  t.year = static_cast<uint32_t>(ym / 13);
  t.second = static_cast<uint32_t>(hms % (1U << 6));
  t.minute = static_cast<uint32_t>((hms >> 6) % (1U << 6));
  t.hour = static_cast<uint32_t>(hms >> 12);
  return t;
}

CivilDateTime unpack_time(int64_t packed) {
  CivilDateTime t;
  t.negative = packed < 0;
  const uint64_t u = magnitude(packed);
  t.micros = static_cast<uint32_t>(u % (1ULL << 24));
  const uint64_t hms = u >> 24;
  t.hour = static_cast<uint32_t>((hms >> 12) % (1U << 10));
  t.minute = static_cast<uint32_t>((hms >> 6) % (1U << 6));
  t.second = static_cast<uint32_t>(hms % (1U << 6));
  return t;
}

size_t format_date(const CivilDateTime& t, char* out) {
  char* o = put(out, t.year, 4);
  *o++ = '-';
  o = put(o, t.month, 2);
  *o++ = '-';
  o = put(o, t.day, 2);
  return static_cast<size_t>(o - out);
}

size_t format_datetime(const CivilDateTime& t, int fsp, char* out) {
  char* o = out + format_date(t, out);
  *o++ = ' ';
  o = put(o, t.hour, 2);
  *o++ = ':';
  o = put(o, t.minute, 2);
  *o++ = ':';
  o = put(o, t.second, 2);
  o = put_fraction(o, t.micros, fsp);
  return static_cast<size_t>(o - out);
}

size_t format_time(const CivilDateTime& t, int fsp, char* out) {
  char* o = out;
  if (t.negative) {
    *o++ = '-';
  }
  o = put(o, t.hour, t.hour >= 100 ? 3 : 2);
  *o++ = ':';
  o = put(o, t.minute, 2);
  *o++ = ':';
  o = put(o, t.second, 2);
  o = put_fraction(o, t.micros, fsp);
  return static_cast<size_t>(o - out);
}

}  // namespace starcdc::mysql::binlog
