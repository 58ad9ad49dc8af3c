// Table patterns in Flink CDC's syntax: `db_regex.table_regex`, where the first unescaped `.`
// separates database and table and `\.` inside a part stands for the regex "any character"
// (so `app.order_\.*` is every table of `app` starting with `order_`). Used by source `tables`,
// `tables.exclude` and route `source-table`.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace starcdc::config {

class TablePattern {
 public:
  // Parses `text`; on failure returns nullopt and sets *error.
  static std::optional<TablePattern> parse(const std::string& text, std::string* error);

  const std::string& text() const { return text_; }
  // True when (database, table) matches; `groups` (if given) receives the capture groups,
  // database part first, numbered from 1 (groups[0] unused).
  bool matches(const std::string& database, const std::string& table,
               std::vector<std::string>* groups = nullptr) const;

 private:
  std::string text_;
  std::regex database_;
  std::regex table_;
};

// A comma-separated list of patterns ("app.orders, app.items_\.*").
std::optional<std::string> check_table_pattern(const std::string& text);

}  // namespace starcdc::config
