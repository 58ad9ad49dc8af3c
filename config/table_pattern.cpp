#include "config/table_pattern.hpp"

namespace starcdc::config {
namespace {

// Turns Flink CDC's `\.` (any character) into `.`, keeping every other escape.
std::string unescape_dots(const std::string& part) {
  std::string out;
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '\\' && i + 1 < part.size() && part[i + 1] == '.') {
      out.push_back('.');
      ++i;
    } else if (part[i] == '\\' && i + 1 < part.size()) {
      out.push_back(part[i]);
      out.push_back(part[++i]);
    } else {
      out.push_back(part[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<TablePattern> TablePattern::parse(const std::string& text, std::string* error) {
  size_t split = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == '.') {
      split = i;
      break;
    }
  }
  if (split == std::string::npos || split == 0 || split + 1 == text.size()) {
    *error = "'" + text +
             "' is not a table pattern; write database.table, e.g. app.orders or app.order_\\.*";
    return std::nullopt;
  }
  TablePattern p;
  p.text_ = text;
  try {
    p.database_ = std::regex(unescape_dots(text.substr(0, split)), std::regex::ECMAScript);
    p.table_ = std::regex(unescape_dots(text.substr(split + 1)), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    *error = "invalid regular expression in '" + text + "': " + e.what();
    return std::nullopt;
  }
  return p;
}

bool TablePattern::matches(const std::string& database, const std::string& table,
                           std::vector<std::string>* groups) const {
  std::smatch db_match;
  std::smatch table_match;
  if (!std::regex_match(database, db_match, database_) ||
      !std::regex_match(table, table_match, table_)) {
    return false;
  }
  if (groups != nullptr) {
    groups->assign(1, database + "." + table);
    for (size_t i = 1; i < db_match.size(); ++i) {
      groups->push_back(db_match[i].str());
    }
    for (size_t i = 1; i < table_match.size(); ++i) {
      groups->push_back(table_match[i].str());
    }
  }
  return true;
}

std::optional<std::string> check_table_pattern(const std::string& text) {
  std::string error;
  if (!TablePattern::parse(text, &error)) {
    return error;
  }
  return std::nullopt;
}

}  // namespace starcdc::config
