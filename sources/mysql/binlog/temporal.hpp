// Calendar helpers for the temporal column types and JSON's opaque temporal values: civil
// dates to days, MySQL's packed DATETIME/TIME integers (sql-common/my_time.cc
// TIME_to_longlong_*_packed) to parts, and text forms. Thread: any (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>

#include "pipeline/model/calendar.hpp"

namespace starcdc::mysql::binlog {

using starcdc::days_from_civil;
using starcdc::is_valid_date;
using starcdc::kMicrosPerDay;
using starcdc::kMicrosPerSecond;

struct CivilDateTime {
  bool negative = false;  // TIME only
  uint32_t year = 0, month = 0, day = 0;
  uint32_t hour = 0, minute = 0, second = 0;  // hour up to 838 for TIME
  uint32_t micros = 0;
};

// The packed DATETIME integer (as in JSON opaque DATETIME/TIMESTAMP/DATE values).
CivilDateTime unpack_datetime(int64_t packed);
// The packed TIME integer (JSON opaque TIME).
CivilDateTime unpack_time(int64_t packed);

// Text forms: "2024-01-02", "2024-01-02 03:04:05.678" (fsp digits), "-01:02:03.5". Return the
// number of characters written; `out` must hold 32 bytes.
size_t format_date(const CivilDateTime& t, char* out);
size_t format_datetime(const CivilDateTime& t, int fsp, char* out);
size_t format_time(const CivilDateTime& t, int fsp, char* out);

}  // namespace starcdc::mysql::binlog
