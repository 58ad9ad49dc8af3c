// GTID positions of both server families.
//
// MysqlGtidSet: a MySQL GTID set `uuid:1-5:7,uuid2[:tag]:1-9`, kept as exact interval sets (sets
// may have gaps; never reduced to a high-water mark). Text and the binary form of
// COM_BINLOG_DUMP_GTID / PREVIOUS_GTIDS (classic, or tagged when a tag is present).
//
// MariaGtidList: a MariaDB GTID position `domain-server-seq,...`, one GTID per domain: the last
// transaction applied in each domain.
//
// Values; no threads of their own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starcdc::mysql {

class MysqlGtidSet {
 public:
  // [start, end) intervals, sorted and merged.
  using Intervals = std::vector<std::pair<uint64_t, uint64_t>>;

  // Parses the text form; nullopt and *error when malformed. Whitespace and newlines (as
  // @@gtid_executed prints them) are ignored; the empty text is the empty set.
  static std::optional<MysqlGtidSet> parse(std::string_view text, std::string* error);
  // Decodes the binary form (PREVIOUS_GTIDS body, dump command payload).
  static std::optional<MysqlGtidSet> decode(std::string_view data, std::string* error);

  // Adds one transaction: `sid` is "uuid" or "uuid:tag" (lower-case uuid with dashes).
  void add(const std::string& sid, uint64_t gno);
  void add_interval(const std::string& sid, uint64_t start, uint64_t end_exclusive);
  bool contains(const std::string& sid, uint64_t gno) const;
  bool contains(const MysqlGtidSet& other) const;  // superset test
  bool empty() const { return sets_.empty(); }

  std::string text() const;    // canonical: sids sorted, "uuid:1-5:7"
  std::string encode() const;  // binary form; tagged only when a tag is present
  const std::map<std::string, Intervals>& sets() const { return sets_; }
  bool operator==(const MysqlGtidSet&) const = default;

 private:
  std::map<std::string, Intervals> sets_;
};

struct MariaGtid {
  uint32_t domain = 0;
  uint32_t server = 0;
  uint64_t seq = 0;
  std::string text() const;
};

class MariaGtidList {
 public:
  static std::optional<MariaGtidList> parse(std::string_view text, std::string* error);
  // Records `g` as the last GTID of its domain.
  void update(const MariaGtid& g) { last_[g.domain] = g; }
  std::optional<MariaGtid> domain(uint32_t d) const;
  bool empty() const { return last_.empty(); }
  std::string text() const;  // "0-1-5,1-2-7", domains ascending
  const std::map<uint32_t, MariaGtid>& domains() const { return last_; }
  bool operator==(const MariaGtidList& o) const { return text() == o.text(); }

 private:
  std::map<uint32_t, MariaGtid> last_;
};

// "3E11FA47-71CA-11E1-9E33-C80AA9429562" → 16 bytes; nullopt when malformed.
std::optional<std::string> uuid_bytes(std::string_view text);
std::string uuid_text(std::string_view bytes16);

}  // namespace starcdc::mysql
