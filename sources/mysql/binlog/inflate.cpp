#include "sources/mysql/binlog/inflate.hpp"

#include <array>

#include "sources/mysql/binlog/checksum.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr int kMaxBits = 15;
constexpr int kLitLenCodes = 288;
constexpr int kDistCodes = 30;

constexpr std::array<uint16_t, 29> kLengthBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                  15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                  67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<uint16_t, 30> kDistBase = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<uint8_t, 30> kDistExtra = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
constexpr std::array<uint8_t, 19> kCodeLengthOrder = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                      11, 4,  12, 3, 13, 2, 14, 1, 15};

// Canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
  std::array<uint16_t, kMaxBits + 1> count{};
  std::array<uint16_t, kLitLenCodes> symbol{};

  bool build(const uint8_t* lengths, int n) {
    count.fill(0);
    for (int s = 0; s < n; ++s) {
      ++count[lengths[s]];
    }
    if (count[0] == n) {
      return true;  // no codes: only valid if never used
    }
    int left = 1;
    for (int len = 1; len <= kMaxBits; ++len) {
      left <<= 1;
      left -= count[static_cast<size_t>(len)];
      if (left < 0) {
        return false;  // over-subscribed
      }
    }
    std::array<uint16_t, kMaxBits + 2> offs{};
    for (int len = 1; len <= kMaxBits; ++len) {
      offs[static_cast<size_t>(len) + 1] =
          static_cast<uint16_t>(offs[static_cast<size_t>(len)] + count[static_cast<size_t>(len)]);
    }
    for (int s = 0; s < n; ++s) {
      if (lengths[s] != 0) {
        symbol[offs[lengths[s]]++] = static_cast<uint16_t>(s);
      }
    }
    return true;
  }
};

class Inflater {
 public:
  Inflater(std::span<const uint8_t> in, uint64_t max_bytes, std::vector<uint8_t>& out)
      : in_(in), max_(max_bytes), out_(out) {}

  // Inflates the deflate stream from the current position; true on a clean end.
  bool run() {
    bool last = false;
    while (!last) {
      last = bits(1) == 1;
      const uint32_t type = bits(2);
      bool ok = false;
      if (type == 0) {
        ok = stored();
      } else if (type == 1) {
        ok = fixed();
      } else if (type == 2) {
        ok = dynamic();
      }
      if (!ok || error_) {
        return false;
      }
    }
    return !error_;
  }
  // Byte position after the deflate stream (the trailer starts here).
  size_t byte_pos() const { return pos_; }

 private:
  uint32_t bits(int need) {
    uint64_t val = bitbuf_;
    while (bitcnt_ < need) {
      if (pos_ >= in_.size()) {
        error_ = true;
        return 0;
      }
      val |= static_cast<uint64_t>(in_[pos_++]) << bitcnt_;
      bitcnt_ += 8;
    }
    bitbuf_ = val >> need;
    bitcnt_ -= need;
    return static_cast<uint32_t>(val & ((uint64_t{1} << need) - 1));
  }

  int decode(const Huffman& h) {
    int code = 0;
    int first = 0;
    int index = 0;
    for (int len = 1; len <= kMaxBits; ++len) {
      code |= static_cast<int>(bits(1));
      const int count = h.count[static_cast<size_t>(len)];
      if (code - count < first) {
        return h.symbol[static_cast<size_t>(index + (code - first))];
      }
      index += count;
      first = (first + count) << 1;
      code <<= 1;
      if (error_) {
        return -1;
      }
    }
    return -1;
  }

  bool stored() {
    bitbuf_ = 0;
    bitcnt_ = 0;  // go to a byte boundary
    if (in_.size() - pos_ < 4) {
      return false;
    }
    const uint32_t len = in_[pos_] | (uint32_t{in_[pos_ + 1]} << 8);
    const uint32_t nlen = in_[pos_ + 2] | (uint32_t{in_[pos_ + 3]} << 8);
    pos_ += 4;
    if (len != (~nlen & 0xFFFFU) || in_.size() - pos_ < len || out_.size() + len > max_) {
      return false;
    }
    out_.insert(out_.end(), in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                in_.begin() + static_cast<std::ptrdiff_t>(pos_ + len));
    pos_ += len;
    return true;
  }

  bool codes(const Huffman& lencode, const Huffman& distcode) {
    for (;;) {
      const int sym = decode(lencode);
      if (sym < 0 || error_) {
        return false;
      }
      if (sym < 256) {
        if (out_.size() >= max_) {
          return false;
        }
        out_.push_back(static_cast<uint8_t>(sym));
        continue;
      }
      if (sym == 256) {
        return true;
      }
      const int li = sym - 257;
      if (li >= 29) {
        return false;
      }
      const size_t len =
          kLengthBase[static_cast<size_t>(li)] + bits(kLengthExtra[static_cast<size_t>(li)]);
      const int di = decode(distcode);
      if (di < 0 || di >= kDistCodes) {
        return false;
      }
      const size_t dist =
          kDistBase[static_cast<size_t>(di)] + bits(kDistExtra[static_cast<size_t>(di)]);
      if (error_ || dist > out_.size() || out_.size() + len > max_) {
        return false;
      }
      const size_t from = out_.size() - dist;
      for (size_t i = 0; i < len; ++i) {
        out_.push_back(out_[from + i]);
      }
    }
  }

  bool fixed() {
    if (!fixed_built_) {
      std::array<uint8_t, kLitLenCodes> l{};
      for (size_t s = 0; s < kLitLenCodes; ++s) {
        l[s] = s < 144 ? 8 : (s < 256 ? 9 : (s < 280 ? 7 : 8));
      }
      fixed_len_.build(l.data(), kLitLenCodes);
      std::array<uint8_t, kDistCodes> d{};
      d.fill(5);
      fixed_dist_.build(d.data(), kDistCodes);
      fixed_built_ = true;
    }
    return codes(fixed_len_, fixed_dist_);
  }

  bool dynamic() {
    const int nlen = static_cast<int>(bits(5)) + 257;
    const int ndist = static_cast<int>(bits(5)) + 1;
    const int ncode = static_cast<int>(bits(4)) + 4;
    if (nlen > 286 || ndist > kDistCodes) {
      return false;
    }
    std::array<uint8_t, 320> lengths{};
    for (int i = 0; i < ncode; ++i) {
      lengths[kCodeLengthOrder[static_cast<size_t>(i)]] = static_cast<uint8_t>(bits(3));
    }
    Huffman lencode;
    if (!lencode.build(lengths.data(), 19)) {
      return false;
    }
    int index = 0;
    while (index < nlen + ndist) {
      int sym = decode(lencode);
      if (sym < 0 || error_) {
        return false;
      }
      if (sym < 16) {
        lengths[static_cast<size_t>(index++)] = static_cast<uint8_t>(sym);
        continue;
      }
      uint8_t len = 0;
      int repeat = 0;
      if (sym == 16) {
        if (index == 0) {
          return false;
        }
        len = lengths[static_cast<size_t>(index - 1)];
        repeat = 3 + static_cast<int>(bits(2));
      } else if (sym == 17) {
        repeat = 3 + static_cast<int>(bits(3));
      } else {
        repeat = 11 + static_cast<int>(bits(7));
      }
      if (index + repeat > nlen + ndist) {
        return false;
      }
      while (repeat-- > 0) {
        lengths[static_cast<size_t>(index++)] = len;
      }
    }
    if (lengths[256] == 0) {
      return false;  // no end-of-block code
    }
    Huffman litlen;
    Huffman dist;
    if (!litlen.build(lengths.data(), nlen) || !dist.build(lengths.data() + nlen, ndist)) {
      return false;
    }
    return codes(litlen, dist);
  }

  std::span<const uint8_t> in_;
  uint64_t max_;
  std::vector<uint8_t>& out_;
  size_t pos_ = 0;
  uint64_t bitbuf_ = 0;
  int bitcnt_ = 0;
  bool error_ = false;
  bool fixed_built_ = false;
  Huffman fixed_len_, fixed_dist_;
};

uint32_t adler32(std::span<const uint8_t> data) {
  constexpr uint32_t kMod = 65521;
  uint32_t a = 1;
  uint32_t b = 0;
  size_t i = 0;
  while (i < data.size()) {
    const size_t chunk = std::min<size_t>(data.size() - i, 5552);
    for (size_t k = 0; k < chunk; ++k) {
      a += data[i + k];
      b += a;
    }
    a %= kMod;
    b %= kMod;
    i += chunk;
  }
  return (b << 16) | a;
}

// Inflates the deflate stream starting at `start`; `end` receives the byte after it.
bool inflate_at(std::span<const uint8_t> in, size_t start, uint64_t max_bytes,
                std::vector<uint8_t>& out, size_t& end) {
  if (start > in.size()) {
    return false;
  }
  Inflater inf(in.subspan(start), max_bytes, out);
  if (!inf.run()) {
    return false;
  }
  end = start + inf.byte_pos();
  return true;
}

}  // namespace

bool zlib_decompress(std::span<const uint8_t> in, uint64_t max_bytes, std::vector<uint8_t>& out) {
  out.clear();
  // CMF (method 8 = deflate, window <= 32 KiB), FLG (no preset dictionary), header check.
  if (in.size() < 6 || (in[0] & 0x0F) != 8 || (in[0] >> 4) > 7 || (in[1] & 0x20) != 0 ||
      ((in[0] << 8) | in[1]) % 31 != 0) {
    return false;
  }
  size_t end = 0;
  if (!inflate_at(in, 2, max_bytes, out, end) || in.size() - end < 4) {
    return false;
  }
  const uint32_t want = (uint32_t{in[end]} << 24) | (uint32_t{in[end + 1]} << 16) |
                        (uint32_t{in[end + 2]} << 8) | in[end + 3];
  return adler32(out) == want;
}

bool gzip_decompress(std::span<const uint8_t> in, uint64_t max_bytes, std::vector<uint8_t>& out) {
  out.clear();
  constexpr uint8_t kFhcrc = 2, kFextra = 4, kFname = 8, kFcomment = 16;
  if (in.size() < 18 || in[0] != 0x1F || in[1] != 0x8B || in[2] != 8) {
    return false;
  }
  const uint8_t flags = in[3];
  size_t pos = 10;
  if ((flags & kFextra) != 0) {
    if (in.size() - pos < 2) {
      return false;
    }
    pos += 2 + (in[pos] | (size_t{in[pos + 1]} << 8));
  }
  for (const uint8_t f : {kFname, kFcomment}) {
    if ((flags & f) != 0) {
      while (pos < in.size() && in[pos] != 0) {
        ++pos;
      }
      ++pos;
    }
  }
  if ((flags & kFhcrc) != 0) {
    pos += 2;
  }
  size_t end = 0;
  if (pos >= in.size() || !inflate_at(in, pos, max_bytes, out, end) || in.size() - end < 8) {
    return false;
  }
  const uint32_t crc = in[end] | (uint32_t{in[end + 1]} << 8) | (uint32_t{in[end + 2]} << 16) |
                       (uint32_t{in[end + 3]} << 24);
  const uint32_t size = in[end + 4] | (uint32_t{in[end + 5]} << 8) | (uint32_t{in[end + 6]} << 16) |
                        (uint32_t{in[end + 7]} << 24);
  return crc32(out) == crc && static_cast<uint32_t>(out.size()) == size;
}

bool mariadb_decompress(std::span<const uint8_t> in, uint64_t max_bytes,
                        std::vector<uint8_t>& out) {
  out.clear();
  if (in.empty() || (in[0] & 0xE0) != 0x80) {
    return false;
  }
  const size_t n = in[0] & 0x07U;
  if (n < 1 || n > 4 || in.size() < 1 + n) {
    return false;
  }
  uint64_t len = 0;
  for (size_t i = 1; i <= n; ++i) {
    len = (len << 8) | in[i];
  }
  if (len > max_bytes) {
    return false;
  }
  out.reserve(len);
  if (!zlib_decompress(in.subspan(1 + n), len, out)) {
    return false;
  }
  return out.size() == len;
}

}  // namespace starcdc::mysql::binlog
