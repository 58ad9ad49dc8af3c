// KeyOrder: compares chunk key values the way the server orders them, so the binlog reader can
// tell whether a row's key lies in a chunk the snapshot already copied. Numbers, temporals and
// binary strings compare here exactly; character strings under a binary collation (*_bin) too,
// with PAD SPACE where the collation pads. Other collations (case- and accent-insensitive ones)
// order by rules only the server knows: compare() says so, and sql_less() writes the question
// for the server to answer. Thread: pipeline.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pipeline/model/value.hpp"
#include "sources/mysql/binlog/table_map.hpp"

namespace starcdc::mysql::snapshot {

struct KeyPart {
  binlog::ColumnDef column;  // from information_schema (decodes bound texts)
  std::string charset;       // CHARACTER_SET_NAME ("" for non-character columns)
  std::string collation;     // COLLATION_NAME ("" for non-character columns)
};

class KeyOrder {
 public:
  KeyOrder() = default;
  explicit KeyOrder(std::vector<KeyPart> parts);

  size_t size() const { return parts_.size(); }
  const KeyPart& part(size_t i) const { return parts_[i]; }
  // True when every comparison is answered here (no server round trip).
  bool local() const { return local_; }

  // <0, 0, >0 as the server orders the tuples `a` and `b` (one value per key part), or nullopt
  // when a character part under a non-binary collation decides it.
  std::optional<int> compare(std::span<const Value> a, std::span<const Value> b) const;
  // A SELECT whose one field is 1 when `a` < `b` under the columns' collations, else 0.
  std::string sql_less(std::span<const Value> a, std::span<const Value> b) const;

 private:
  std::string literal(size_t part, const Value& v) const;

  std::vector<KeyPart> parts_;
  std::vector<uint8_t> pad_space_;  // per part: binary collation that pads with spaces
  std::vector<uint8_t> server_;     // per part: only the server can compare
  bool local_ = true;
};

// Compares two exact decimal texts ("-12.50", "3", ".5") by value.
int compare_decimal_text(std::string_view a, std::string_view b);

}  // namespace starcdc::mysql::snapshot
