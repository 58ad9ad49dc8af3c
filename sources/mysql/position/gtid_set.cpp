#include "sources/mysql/position/gtid_set.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace starcdc::mysql {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t p = s.find(sep, start);
    out.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) {
      return out;
    }
    start = p + 1;
  }
}

template <typename T>
bool number(std::string_view s, T* out) {
  s = trim(s);
  if (s.empty()) {
    return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 32 ||
      !(std::isalpha(static_cast<unsigned char>(t[0])) != 0 || t[0] == '_')) {
    return false;
  }
  return std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

bool get_u64(std::string_view data, size_t* at, uint64_t* v) {
  if (*at + 8 > data.size()) {
    return false;
  }
  *v = 0;
  for (int i = 0; i < 8; ++i) {
    *v |= static_cast<uint64_t>(static_cast<unsigned char>(data[*at + i])) << (8 * i);
  }
  *at += 8;
  return true;
}

}  // namespace

std::optional<std::string> uuid_bytes(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == '-') {
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    hex.push_back(c);
  }
  if (hex.size() != 32) {
    return std::nullopt;
  }
  std::string out;
  for (size_t i = 0; i < 32; i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string uuid_text(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size() && i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out.push_back('-');
    }
    const auto c = static_cast<unsigned char>(b[i]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::optional<MysqlGtidSet> MysqlGtidSet::parse(std::string_view text, std::string* error) {
  MysqlGtidSet set;
  std::string compact;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) {
      compact.push_back(c);
    }
  }
  if (compact.empty()) {
    return set;
  }
  for (std::string_view part : split(compact, ',')) {
    const auto fields = split(part, ':');
    const auto uuid = uuid_bytes(fields[0]);
    if (!uuid || fields.size() < 2) {
      *error = "'" + std::string(part) + "' is not uuid:interval[:interval...]";
      return std::nullopt;
    }
    std::string sid = uuid_text(*uuid);
    for (size_t i = 1; i < fields.size(); ++i) {
      const std::string_view f = fields[i];
      if (!f.empty() && std::isdigit(static_cast<unsigned char>(f[0])) == 0) {
        if (!valid_tag(f)) {
          *error = "'" + std::string(f) + "' is not a GTID tag";
          return std::nullopt;
        }
        std::string tag(f);
        std::transform(tag.begin(), tag.end(), tag.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        sid = uuid_text(*uuid) + ":" + tag;
        continue;
      }
      const auto dash = f.find('-');
      uint64_t a = 0;
      uint64_t b = 0;
      const bool ok = dash == std::string_view::npos
                          ? number(f, &a) && (b = a, true)
                          : number(f.substr(0, dash), &a) && number(f.substr(dash + 1), &b);
      if (!ok || a == 0 || b < a) {
        *error = "'" + std::string(f) + "' is not an interval n or a-b (1 <= a <= b)";
        return std::nullopt;
      }
      set.add_interval(sid, a, b + 1);
    }
  }
  return set;
}

void MysqlGtidSet::add_interval(const std::string& sid, uint64_t start, uint64_t end) {
  if (end <= start) {
    return;
  }
  Intervals& iv = sets_[sid];
  iv.emplace_back(start, end);
  std::sort(iv.begin(), iv.end());
  Intervals merged;
  for (const auto& r : iv) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  iv = std::move(merged);
}

void MysqlGtidSet::add(const std::string& sid, uint64_t gno) {
  Intervals& iv = sets_[sid];
  // The common case: the next transaction of the newest interval.
  if (!iv.empty() && iv.back().second == gno) {
    ++iv.back().second;
    return;
  }
  if (contains(sid, gno)) {
    return;
  }
  add_interval(sid, gno, gno + 1);
}

bool MysqlGtidSet::contains(const std::string& sid, uint64_t gno) const {
  auto it = sets_.find(sid);
  if (it == sets_.end()) {
    return false;
  }
  for (const auto& [a, b] : it->second) {
    if (gno >= a && gno < b) {
      return true;
    }
  }
  return false;
}

bool MysqlGtidSet::contains(const MysqlGtidSet& other) const {
  for (const auto& [sid, ivs] : other.sets_) {
    auto it = sets_.find(sid);
    for (const auto& [a, b] : ivs) {
      if (it == sets_.end()) {
        return false;
      }
      const bool covered = std::any_of(it->second.begin(), it->second.end(), [&](const auto& r) {
        return r.first <= a && b <= r.second;
      });
      if (!covered) {
        return false;
      }
    }
  }
  return true;
}

std::string MysqlGtidSet::text() const {
  // Tagged sids print after their uuid's untagged intervals, as uuid:tag:intervals.
  std::string out;
  for (const auto& [sid, ivs] : sets_) {
    if (ivs.empty()) {
      continue;
    }
    if (!out.empty()) {
      out.push_back(',');
    }
    out += sid;
    for (const auto& [a, b] : ivs) {
      out += ":" + std::to_string(a);
      if (b - 1 != a) {
        out += "-" + std::to_string(b - 1);
      }
    }
  }
  return out;
}

std::string MysqlGtidSet::encode() const {
  const bool tagged = std::any_of(sets_.begin(), sets_.end(), [](const auto& kv) {
    return kv.first.find(':') != std::string::npos;
  });
  std::string out;
  uint64_t n = 0;
  for (const auto& kv : sets_) {
    n += kv.second.empty() ? 0 : 1;
  }
  if (tagged) {
    // Format marker 1 in the first and last byte, the count in the six between.
    put_u64(out, (uint64_t{1} << 56) | (n << 8) | 1);
  } else {
    put_u64(out, n);
  }
  for (const auto& [sid, ivs] : sets_) {
    if (ivs.empty()) {
      continue;
    }
    const auto colon = sid.find(':');
    out += *uuid_bytes(sid.substr(0, colon));
    if (tagged) {
      const std::string tag = colon == std::string::npos ? "" : sid.substr(colon + 1);
      out.push_back(static_cast<char>(tag.size() << 1));
      out += tag;
    }
    put_u64(out, ivs.size());
    for (const auto& [a, b] : ivs) {
      put_u64(out, a);
      put_u64(out, b);
    }
  }
  return out;
}

std::optional<MysqlGtidSet> MysqlGtidSet::decode(std::string_view data, std::string* error) {
  MysqlGtidSet set;
  size_t at = 0;
  uint64_t head = 0;
  if (!get_u64(data, &at, &head)) {
    *error = "GTID set shorter than its header";
    return std::nullopt;
  }
  const bool tagged = (head & 0xff) == 1 && (head >> 56) == 1;
  const uint64_t n = tagged ? (head >> 8) & 0xffffffffffffULL : head;
  for (uint64_t i = 0; i < n; ++i) {
    if (at + 16 > data.size()) {
      *error = "GTID set truncated in a uuid";
      return std::nullopt;
    }
    std::string sid = uuid_text(data.substr(at, 16));
    at += 16;
    if (tagged) {
      if (at >= data.size()) {
        *error = "GTID set truncated in a tag";
        return std::nullopt;
      }
      const size_t len = static_cast<unsigned char>(data[at]) >> 1;
      ++at;
      if (at + len > data.size()) {
        *error = "GTID set truncated in a tag";
        return std::nullopt;
      }
      if (len > 0) {
        sid += ":" + std::string(data.substr(at, len));
      }
      at += len;
    }
    uint64_t count = 0;
    if (!get_u64(data, &at, &count)) {
      *error = "GTID set truncated in an interval count";
      return std::nullopt;
    }
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t a = 0;
      uint64_t b = 0;
      if (!get_u64(data, &at, &a) || !get_u64(data, &at, &b)) {
        *error = "GTID set truncated in an interval";
        return std::nullopt;
      }
      set.add_interval(sid, a, b);
    }
  }
  return set;
}

std::string MariaGtid::text() const {
  return std::to_string(domain) + "-" + std::to_string(server) + "-" + std::to_string(seq);
}

std::optional<MariaGtidList> MariaGtidList::parse(std::string_view text, std::string* error) {
  MariaGtidList list;
  text = trim(text);
  if (text.empty()) {
    return list;
  }
  for (std::string_view part : split(text, ',')) {
    const auto f = split(trim(part), '-');
    MariaGtid g;
    if (f.size() != 3 || !number(f[0], &g.domain) || !number(f[1], &g.server) ||
        !number(f[2], &g.seq)) {
      *error = "'" + std::string(part) + "' is not domain-server-sequence";
      return std::nullopt;
    }
    if (list.last_.count(g.domain) != 0) {
      *error = "domain " + std::to_string(g.domain) + " appears twice";
      return std::nullopt;
    }
    list.update(g);
  }
  return list;
}

std::optional<MariaGtid> MariaGtidList::domain(uint32_t d) const {
  auto it = last_.find(d);
  if (it == last_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string MariaGtidList::text() const {
  std::string out;
  for (const auto& [d, g] : last_) {
    if (!out.empty()) {
      out.push_back(',');
    }
    out += g.text();
  }
  return out;
}

}  // namespace starcdc::mysql
