// SQL text shared by the snapshot's queries. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace starcdc::mysql::snapshot {

// `name` quoted with backticks for MySQL/MariaDB.
inline std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (const char ch : name) {
    if (ch == '`') {
      out.push_back('`');
    }
    out.push_back(ch);
  }
  return out + "`";
}

}  // namespace starcdc::mysql::snapshot
