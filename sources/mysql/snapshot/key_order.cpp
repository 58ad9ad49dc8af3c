#include "sources/mysql/snapshot/key_order.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "pipeline/common/byte_buffer.hpp"

namespace starcdc::mysql::snapshot {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Bytes in order; with `pad`, the shorter string counts as padded with spaces.
int compare_bytes(std::string_view a, std::string_view b, bool pad) {
  const size_t n = std::min(a.size(), b.size());
  if (n > 0) {
    if (const int c = std::memcmp(a.data(), b.data(), n); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  if (a.size() == b.size()) {
    return 0;
  }
  if (!pad) {
    return a.size() < b.size() ? -1 : 1;
  }
  const bool a_longer = a.size() > b.size();
  const std::string_view rest = a_longer ? a.substr(n) : b.substr(n);
  for (const char ch : rest) {
    if (ch != ' ') {
      const int c = static_cast<unsigned char>(ch) < ' ' ? -1 : 1;
      return a_longer ? c : -c;
    }
  }
  return 0;
}

void append_hex(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "X'";
  for (const char ch : bytes) {
    const auto b = static_cast<uint8_t>(ch);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  out += "'";
}

}  // namespace

int compare_decimal_text(std::string_view a, std::string_view b) {
  auto split = [](std::string_view s, bool& negative, std::string_view& whole,
                  std::string_view& frac) {
    negative = !s.empty() && s.front() == '-';
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
      s.remove_prefix(1);
    }
    const size_t dot = s.find('.');
    whole = s.substr(0, dot);
    frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
    while (!whole.empty() && whole.front() == '0') {
      whole.remove_prefix(1);
    }
    while (!frac.empty() && frac.back() == '0') {
      frac.remove_suffix(1);
    }
  };
  bool an = false;
  bool bn = false;
  std::string_view aw, af, bw, bf;
  split(a, an, aw, af);
  split(b, bn, bw, bf);
  const bool a_zero = aw.empty() && af.empty();
  const bool b_zero = bw.empty() && bf.empty();
  if (a_zero) {
    an = false;
  }
  if (b_zero) {
    bn = false;
  }
  if (an != bn) {
    return an ? -1 : 1;
  }
  int magnitude = 0;
  if (aw.size() != bw.size()) {
    magnitude = aw.size() < bw.size() ? -1 : 1;
  } else if (const int c = aw.compare(bw); c != 0) {
    magnitude = c < 0 ? -1 : 1;
  } else {
    const size_t n = std::max(af.size(), bf.size());
    for (size_t i = 0; i < n && magnitude == 0; ++i) {
      const char x = i < af.size() ? af[i] : '0';
      const char y = i < bf.size() ? bf[i] : '0';
      magnitude = three_way(x, y);
    }
  }
  return an ? -magnitude : magnitude;
}

KeyOrder::KeyOrder(std::vector<KeyPart> parts) : parts_(std::move(parts)) {
  for (const KeyPart& p : parts_) {
    const bool character = !p.collation.empty() && p.collation != "binary";
    const bool bin = ends_with(p.collation, "_bin");
    // MariaDB's *_nopad_bin and MySQL's *_0900_bin compare without padding.
    const bool nopad = p.collation.find("nopad") != std::string::npos ||
                       p.collation.find("0900_bin") != std::string::npos;
    pad_space_.push_back(character && bin && !nopad ? 1 : 0);
    server_.push_back(character && !bin ? 1 : 0);
    local_ = local_ && !(character && !bin);
  }
}

std::optional<int> KeyOrder::compare(std::span<const Value> a, std::span<const Value> b) const {
  for (size_t i = 0; i < parts_.size() && i < a.size() && i < b.size(); ++i) {
    const Value& x = a[i];
    const Value& y = b[i];
    // NULL sorts first (only a configured chunk key column can hold it).
    if (x.is_null() || y.is_null()) {
      if (x.is_null() != y.is_null()) {
        return x.is_null() ? -1 : 1;
      }
      continue;
    }
    int c = 0;
    switch (x.kind) {
      case ValueKind::Bool:
      case ValueKind::Int:
        c = y.kind == ValueKind::UInt ? (x.i < 0 ? -1 : three_way<uint64_t>(x.i, y.u))
                                      : three_way(x.i, y.i);
        break;
      case ValueKind::UInt:
        c = y.kind == ValueKind::Int ? (y.i < 0 ? 1 : three_way<uint64_t>(x.u, y.i))
                                     : three_way(x.u, y.u);
        break;
      case ValueKind::Double:
        c = three_way(x.d, y.d);
        break;
      case ValueKind::Decimal:
        c = compare_decimal_text(x.text(), y.text());
        break;
      case ValueKind::Date:
      case ValueKind::Time:
      case ValueKind::DateTime:
      case ValueKind::Timestamp:
        c = three_way(x.i, y.i);
        break;
      case ValueKind::String:
        if (server_[i] != 0) {
          if (x.text() == y.text()) {
            continue;  // equal bytes are equal under any collation
          }
          return std::nullopt;
        }
        c = compare_bytes(x.text(), y.text(), pad_space_[i] != 0);
        break;
      default:
        c = compare_bytes(x.text(), y.text(), false);
        break;
    }
    if (c != 0) {
      return c;
    }
  }
  return 0;
}

std::string KeyOrder::literal(size_t part, const Value& v) const {
  const KeyPart& p = parts_[part];
  char buf[64];
  switch (v.kind) {
    case ValueKind::Null:
      return "NULL";
    case ValueKind::Bool:
    case ValueKind::Int:
      return std::to_string(v.i);
    case ValueKind::UInt:
      return std::to_string(v.u);
    case ValueKind::Double:
      std::snprintf(buf, sizeof buf, "%.17g", v.d);
      return buf;
    case ValueKind::Decimal:
      return std::string(v.text());
    case ValueKind::Date:
    case ValueKind::Time:
    case ValueKind::DateTime:
    case ValueKind::Timestamp: {
      ByteBuffer text;
      append_temporal_text(v, text);
      const char* as = v.kind == ValueKind::Date   ? "DATE"
                       : v.kind == ValueKind::Time ? "TIME(6)"
                                                   : "DATETIME(6)";
      return std::string("CAST('") + std::string(text.view()) + "' AS " + as + ")";
    }
    case ValueKind::String: {
      std::string out = "CONVERT(_utf8mb4 ";
      append_hex(out, v.text());
      out += " USING " + (p.charset.empty() ? std::string("utf8mb4") : p.charset) + ")";
      if (!p.collation.empty()) {
        out += " COLLATE " + p.collation;
      }
      return out;
    }
    default: {
      std::string out;
      append_hex(out, v.text());
      return out;
    }
  }
}

std::string KeyOrder::sql_less(std::span<const Value> a, std::span<const Value> b) const {
  std::string left = "(";
  std::string right = "(";
  for (size_t i = 0; i < parts_.size() && i < a.size() && i < b.size(); ++i) {
    if (i > 0) {
      left += ", ";
      right += ", ";
    }
    left += literal(i, a[i]);
    right += literal(i, b[i]);
  }
  return "SELECT " + left + ") < " + right + ")";
}

}  // namespace starcdc::mysql::snapshot
