// Value conversions the transform expressions use: exact decimals as scaled 128-bit integers,
// numbers, text, temporal parsing, comparison and CAST. Thread: any (pure functions; text goes
// into the caller's Arena).
#pragma once

#include <optional>
#include <string_view>

#include "pipeline/common/arena.hpp"
#include "pipeline/model/value.hpp"
#include "pipeline/transform/program.hpp"

namespace starcdc::transform {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// An exact decimal: v / 10^scale, at most 38 digits.
struct Dec {
  Int128 v = 0;
  int scale = 0;
};

inline constexpr int kMaxDecimalDigits = 38;

std::optional<Dec> parse_dec(std::string_view text);
// Int, UInt, Bool, Decimal (and Double through its shortest text); nullopt for others.
std::optional<Dec> to_dec(const Value& v);
// To `scale` digits, rounding half away from zero; false on overflow past 38 digits.
bool rescale(Dec& d, int scale);
Value dec_value(const Dec& d, Arena& arena);
// Number of digits of |v| (1 for 0).
int digits(Int128 v);

double to_double(const Value& v);
// Int, UInt below 2^63, Bool; a Decimal or Double truncated toward zero; false otherwise or out
// of range.
bool to_int(const Value& v, int64_t& out);

// The value as text: numbers as SQL writes them, temporals as 2026-11-24 09:12:03.517, Bool as
// TRUE/FALSE.
std::string_view text_of(const Value& v, Arena& arena);

// "2026-11-24", "2026-11-24 09:12:03[.ffffff]" (or with a T), "09:12:03" into a value of
// `target` (Date, DateTime, Timestamp or Time); nullopt when it is not one.
std::optional<Value> parse_temporal(std::string_view text, Type target);
// Microseconds since the epoch of a Date/DateTime/Timestamp (a Date at midnight).
int64_t micros_of(const Value& v);

// -1, 0, 1; both non-null and comparable (numbers with numbers, text with text, temporals with
// temporals, Bool with Bool), which compile() makes sure of.
int compare(const Value& a, const Value& b);

// CAST(v AS to); nullopt when v cannot be read as that type.
std::optional<Value> cast_value(const Value& v, const TypeInfo& to, Arena& arena);
// The type a CAST names ("DECIMAL(10,2)", "VARCHAR(20)", "BIGINT", "TIMESTAMP(3)"); nullopt
// for a type it does not know.
std::optional<TypeInfo> cast_target(std::string_view text);

// `s` LIKE `pattern` (% and _ over UTF-8 characters, \ escapes).
bool like(std::string_view s, std::string_view pattern);
// Number of UTF-8 characters.
size_t char_count(std::string_view s);

}  // namespace starcdc::transform
