#include "pipeline/common/byte_buffer.hpp"

#include <array>
#include <cmath>

namespace starcdc {

void ByteBuffer::grow(uint64_t need) {
  uint64_t cap = capacity_ < 64 ? 64 : capacity_;
  while (cap < need) {
    cap *= 2;
  }
  reserve(cap);
}

void ByteBuffer::append_double(double v) {
  if (!std::isfinite(v)) {
    append("null");
    return;
  }
  ensure(32);
  auto [end, ec] = std::to_chars(data_.get() + size_, data_.get() + size_ + 32, v);
  size_ = static_cast<uint64_t>(end - data_.get());
}

namespace {

// For each byte: 0 = copy, otherwise the escape letter ('u' = \u00XX).
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) {
    t[static_cast<size_t>(c)] = 'u';
  }
  t['\b'] = 'b';
  t['\f'] = 'f';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}
constexpr std::array<char, 256> kEscape = make_escape_table();

}  // namespace

void append_json_escaped(ByteBuffer& out, std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const char* run = p;
    while (p < end && kEscape[static_cast<unsigned char>(*p)] == 0) {
      ++p;
    }
    if (p > run) {
      out.append(std::string_view(run, static_cast<size_t>(p - run)));
    }
    if (p == end) {
      break;
    }
    const char esc = kEscape[static_cast<unsigned char>(*p)];
    if (esc == 'u') {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto c = static_cast<unsigned char>(*p);
      const char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      out.append(std::string_view(buf, 6));
    } else {
      const char buf[2] = {'\\', esc};
      out.append(std::string_view(buf, 2));
    }
    ++p;
  }
}

void append_base64(ByteBuffer& out, std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{b[i]} << 16) | (uint32_t{b[i + 1]} << 8) | b[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < n) {
    const bool two = i + 1 < n;
    const uint32_t v = (uint32_t{b[i]} << 16) | (two ? uint32_t{b[i + 1]} << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(two ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
}

}  // namespace starcdc
