#include "sql_views.hpp"

#include <cctype>
#include <map>
#include <optional>

namespace emu::sql {
namespace {

std::optional<std::string> num_text(int64_t v) { return std::to_string(v); }

std::optional<std::string> column_size(const ColumnType& t) {
  switch (t.kind) {
    case TypeKind::kBoolean: return std::nullopt;  // how connectors tell BOOLEAN from TINYINT
    case TypeKind::kTinyint: return "3";
    case TypeKind::kSmallint: return "5";
    case TypeKind::kInt: return "10";
    case TypeKind::kBigint: return "19";
    case TypeKind::kLargeint: return "39";
    case TypeKind::kFloat: return "12";
    case TypeKind::kDouble: return "22";
    case TypeKind::kDecimal: return std::to_string(t.precision);
    case TypeKind::kDate: return "10";
    case TypeKind::kDatetime: return "26";
    default: return t.length > 0 ? std::optional<std::string>(std::to_string(t.length))
                                 : std::nullopt;
  }
}


}  // namespace

std::string upper(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}


std::string variable_value(const Options& o, const std::string& name, const std::string& db) {
  static const std::map<std::string, std::string> kVars = {
      {"AUTO_INCREMENT_INCREMENT", "1"}, {"AUTOCOMMIT", "1"},
      {"CHARACTER_SET_CLIENT", "utf8"}, {"CHARACTER_SET_CONNECTION", "utf8"},
      {"CHARACTER_SET_RESULTS", "utf8"}, {"CHARACTER_SET_SERVER", "utf8"},
      {"COLLATION_CONNECTION", "utf8_general_ci"}, {"COLLATION_DATABASE", "utf8_general_ci"},
      {"COLLATION_SERVER", "utf8_general_ci"}, {"INIT_CONNECT", ""},
      {"INTERACTIVE_TIMEOUT", "3600"}, {"LICENSE", "Apache License 2.0"},
      {"LOWER_CASE_TABLE_NAMES", "0"}, {"MAX_ALLOWED_PACKET", "33554432"},
      {"NET_BUFFER_LENGTH", "16384"}, {"NET_WRITE_TIMEOUT", "60"},
      {"QUERY_CACHE_SIZE", "1048576"}, {"QUERY_CACHE_TYPE", "0"},
      {"SQL_MODE", "ONLY_FULL_GROUP_BY"}, {"SYSTEM_TIME_ZONE", "UTC"},
      {"TIME_ZONE", "Asia/Shanghai"}, {"TX_ISOLATION", "REPEATABLE-READ"},
      {"TRANSACTION_ISOLATION", "REPEATABLE-READ"}, {"TX_READ_ONLY", "0"},
      {"TRANSACTION_READ_ONLY", "0"}, {"WAIT_TIMEOUT", "28800"},
      {"PERFORMANCE_SCHEMA", "0"}, {"HAVE_QUERY_CACHE", "YES"},
      {"SQL_SELECT_LIMIT", "18446744073709551615"}, {"SQL_AUTO_IS_NULL", "0"},
      {"LANGUAGE", "/starrocks/share/english/"}, {"VERSION_COMMENT", "StarRocks emulator"},
      {"VERSION", "5.1.0"}, {"DEFAULT_STORAGE_ENGINE", "OLAP"}, {"PORT", "9030"},
  };
  std::string n = upper(name);
  while (!n.empty() && n[0] == '@') {
    n.erase(0, 1);
  }
  for (const char* prefix : {"SESSION.", "GLOBAL.", "LOCAL."}) {
    if (n.rfind(prefix, 0) == 0) {
      n = n.substr(std::string(prefix).size());
    }
  }
  if (n == "VERSION_COMMENT") {
    return "StarRocks emulator " + o.version;
  }
  if (n == "DATABASE") {
    return db;
  }
  auto it = kVars.find(n);
  return it == kVars.end() ? "" : it->second;
}

RowSet info_schemata(const Catalog& cat) {
  RowSet rs;
  rs.columns = {"CATALOG_NAME", "SCHEMA_NAME", "DEFAULT_CHARACTER_SET_NAME",
                "DEFAULT_COLLATION_NAME", "SQL_PATH"};
  rs.rows.push_back({"def", "information_schema", "utf8", "utf8_general_ci", std::nullopt});
  for (const Database* d : cat.databases()) {
    rs.rows.push_back({"def", d->name, "utf8", "utf8_general_ci", std::nullopt});
  }
  return rs;
}

RowSet info_tables(const Catalog& cat) {
  RowSet rs;
  rs.columns = {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE", "ENGINE",
                "VERSION", "ROW_FORMAT", "TABLE_ROWS", "AVG_ROW_LENGTH", "DATA_LENGTH",
                "CREATE_TIME", "UPDATE_TIME", "TABLE_COLLATION", "TABLE_COMMENT"};
  for (const Database* d : cat.databases()) {
    for (const auto& [n, t] : d->tables) {
      rs.rows.push_back({"def", d->name, t->name, "BASE TABLE", "StarRocks", std::nullopt,
                         std::nullopt, num_text(static_cast<int64_t>(t->row_count())), "0",
                         "0", std::nullopt, std::nullopt, "utf8_general_ci", t->comment});
    }
  }
  return rs;
}

RowSet info_columns(const Catalog& cat) {
  RowSet rs;
  rs.columns = {"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION",
                "COLUMN_DEFAULT", "IS_NULLABLE", "DATA_TYPE", "CHARACTER_MAXIMUM_LENGTH",
                "CHARACTER_OCTET_LENGTH", "NUMERIC_PRECISION", "NUMERIC_SCALE",
                "DATETIME_PRECISION", "CHARACTER_SET_NAME", "COLLATION_NAME", "COLUMN_TYPE",
                "COLUMN_KEY", "EXTRA", "PRIVILEGES", "COLUMN_COMMENT", "COLUMN_SIZE",
                "DECIMAL_DIGITS", "GENERATION_EXPRESSION", "SRS_ID"};
  for (const Database* d : cat.databases()) {
    for (const auto& [n, t] : d->tables) {
      for (size_t i = 0; i < t->columns.size(); ++i) {
        const Column& c = t->columns[i];
        bool str = c.type.is_string() || c.type.kind == TypeKind::kVarbinary;
        Cell len = str && c.type.length > 0 ? num_text(c.type.length) : std::nullopt;
        Cell prec = c.type.kind == TypeKind::kDecimal ? num_text(c.type.precision)
                    : c.type.is_integer() ? column_size(c.type) : std::nullopt;
        Cell scale = c.type.kind == TypeKind::kDecimal ? num_text(c.type.scale)
                     : c.type.is_integer() ? Cell("0") : std::nullopt;
        Cell def = c.default_current_timestamp ? Cell("CURRENT_TIMESTAMP") : c.default_value;
        std::string key = !c.is_key ? ""
                          : t->keys_type == KeysType::kPrimary ? "PRI" : "DUP";
        rs.rows.push_back({"def", d->name, t->name, c.name,
                           num_text(static_cast<int64_t>(i + 1)), def,
                           c.nullable ? "YES" : "NO", c.type.data_type_name(), len, len, prec,
                           scale, std::nullopt, str ? Cell("utf8") : std::nullopt,
                           str ? Cell("utf8_general_ci") : std::nullopt, c.type.to_sql(), key,
                           "", "SELECT,INSERT,UPDATE,REFERENCES", c.comment,
                           column_size(c.type), scale, std::nullopt, std::nullopt});
      }
    }
  }
  return rs;
}

}  // namespace emu::sql
