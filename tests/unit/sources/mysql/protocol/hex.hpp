// Hex helpers for the protocol tests.
#pragma once

#include <string>
#include <string_view>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol::test {

inline Bytes unhex(std::string_view hex) {
  Bytes out;
  auto nibble = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  std::string digits;
  for (const char c : hex) {
    if (c != ' ') {
      digits.push_back(c);
    }
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((nibble(digits[i]) << 4) | nibble(digits[i + 1])));
  }
  return out;
}

template <typename Range>
std::string hex(const Range& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

inline Bytes bytes_of(std::string_view s) {
  const ByteView v = as_bytes(s);
  return Bytes(v.begin(), v.end());
}

}  // namespace starcdc::mysql::protocol::test
