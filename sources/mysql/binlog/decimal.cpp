#include "sources/mysql/binlog/decimal.hpp"

#include <array>

namespace starcdc::mysql::binlog {
namespace {

constexpr int kDigitsPerGroup = 9;
constexpr std::array<int, 10> kDigitBytes = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr std::array<uint32_t, 10> kPow10 = {1,      10,      100,      1000,      10000,
                                             100000, 1000000, 10000000, 100000000, 1000000000};

// Reads a big-endian group of `n` bytes, undoing the sign mask (XOR) of negative numbers.
uint32_t read_group(const uint8_t* p, int n, uint8_t mask) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) {
    v = (v << 8) | static_cast<uint8_t>(p[i] ^ mask);
  }
  return v;
}

// Writes `v` as exactly `digits` digits (zero-padded on the left).
char* put_fixed(char* out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + digits;
}

}  // namespace

size_t decimal_bin_size(int precision, int scale) {
  const int intg = precision - scale;
  return static_cast<size_t>((intg / kDigitsPerGroup) * 4 + kDigitBytes[intg % kDigitsPerGroup] +
                             (scale / kDigitsPerGroup) * 4 + kDigitBytes[scale % kDigitsPerGroup]);
}

size_t decimal_to_text(const uint8_t* bin, int precision, int scale, char* out) {
  // Groups of 9 digits in 4 bytes, big-endian; a leading partial integer group and a trailing
  // partial fraction group use kDigitBytes. Non-negative numbers have the top bit of the first
  // byte set; negative numbers are stored with every byte inverted.
  const int intg = precision - scale;
  const int intg_full = intg / kDigitsPerGroup;
  const int intg_rest = intg % kDigitsPerGroup;
  const int frac_full = scale / kDigitsPerGroup;
  const int frac_rest = scale % kDigitsPerGroup;
  const bool negative = (bin[0] & 0x80) == 0;
  const uint8_t mask = negative ? 0xFF : 0x00;

  // The first byte with its sign bit flipped back; copied so `bin` stays const.
  std::array<uint8_t, 4> first{};
  const uint8_t* p = bin;
  char* o = out;
  if (negative) {
    *o++ = '-';
  }
  char* const digits_start = o;
  bool leading = true;  // still skipping leading zeros of the integer part
  auto emit_int = [&](uint32_t v, int digits) {
    if (leading) {
      if (v == 0) {
        return;
      }
      char buf[10];
      int n = 0;
      while (v > 0) {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
      }
      while (n > 0) {
        *o++ = buf[--n];
      }
      leading = false;
      return;
    }
    o = put_fixed(o, v, digits);
  };
  bool first_group = true;
  auto take = [&](int n) -> uint32_t {
    uint32_t v = 0;
    if (first_group) {
      // The sign bit lives in the first byte of the whole number, whichever group that is.
      for (int i = 0; i < n; ++i) {
        first[static_cast<size_t>(i)] = p[i];
      }
      first[0] ^= 0x80;
      v = read_group(first.data(), n, mask);
      first_group = false;
    } else {
      v = read_group(p, n, mask);
    }
    p += n;
    return v;
  };
  if (intg_rest > 0) {
    const uint32_t v = take(kDigitBytes[intg_rest]);
    if (v >= kPow10[intg_rest]) {
      return 0;
    }
    emit_int(v, intg_rest);
  }
  for (int i = 0; i < intg_full; ++i) {
    const uint32_t v = take(4);
    if (v >= kPow10[kDigitsPerGroup]) {
      return 0;
    }
    emit_int(v, kDigitsPerGroup);
  }
  if (leading) {
    *o++ = '0';
  }
  if (scale > 0) {
    *o++ = '.';
    for (int i = 0; i < frac_full; ++i) {
      const uint32_t v = take(4);
      if (v >= kPow10[kDigitsPerGroup]) {
        return 0;
      }
      o = put_fixed(o, v, kDigitsPerGroup);
    }
    if (frac_rest > 0) {
      const uint32_t v = take(kDigitBytes[frac_rest]);
      if (v >= kPow10[frac_rest]) {
        return 0;
      }
      o = put_fixed(o, v, frac_rest);
    }
  }
  // "-0.00" (a negative zero) prints as "0.00", as MySQL does.
  if (negative) {
    bool all_zero = true;
    for (const char* c = digits_start; c < o; ++c) {
      if (*c != '0' && *c != '.') {
        all_zero = false;
        break;
      }
    }
    if (all_zero) {
      const auto len = static_cast<size_t>(o - digits_start);
      for (size_t i = 0; i < len; ++i) {
        out[i] = digits_start[i];
      }
      return len;
    }
  }
  return static_cast<size_t>(o - out);
}

}  // namespace starcdc::mysql::binlog
