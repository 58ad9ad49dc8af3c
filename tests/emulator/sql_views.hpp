// Rows of the virtual tables and variables the SQL subset answers: information_schema SCHEMATA,
// TABLES and COLUMNS (StarRocks' column set, spec §6.1) and session variables.
#pragma once

#include <string>
#include <vector>

#include "catalog.hpp"
#include "options.hpp"

namespace emu::sql {

std::string upper(std::string s);

// A materialised table for SELECT/SHOW: column names (+ types when from a user table).
struct RowSet {
  std::vector<std::string> columns;
  std::vector<const ColumnType*> types;  // empty for virtual tables
  std::vector<std::vector<Cell>> rows;

  int index(const std::string& name) const {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (upper(columns[i]) == upper(name)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
};


// Value of @@name (session./global. prefixes allowed); "" for unknown variables.
std::string variable_value(const Options& o, const std::string& name, const std::string& db);
RowSet info_schemata(const Catalog& cat);
RowSet info_tables(const Catalog& cat);
RowSet info_columns(const Catalog& cat);

}  // namespace emu::sql
