// TableId: (database, table) as the source names it.
#pragma once

#include <compare>
#include <functional>
#include <string>

namespace starcdc {

struct TableId {
  std::string database;
  std::string table;

  auto operator<=>(const TableId&) const = default;
  std::string str() const { return database + "." + table; }
};

struct TableIdHash {
  size_t operator()(const TableId& id) const {
    return std::hash<std::string>{}(id.database) * 31 + std::hash<std::string>{}(id.table);
  }
};

}  // namespace starcdc
