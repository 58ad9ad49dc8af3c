// SQL text helpers shared by the connectors that speak the MySQL protocol (the binlog source's
// side queries, the StarRocks sink's DDL). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace starcdc {

// 'text' with quotes and backslashes escaped (MySQL's default sql_mode and StarRocks).
inline std::string sql_string_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace starcdc
