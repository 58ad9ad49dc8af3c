#include "sinks/starrocks/type_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

namespace starcdc::starrocks {
namespace {

constexpr int64_t kMaxVarchar = 1048576;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "decimal(12,2) unsigned" → base "decimal", args {12, 2}, unsigned.
struct ParsedType {
  std::string base;
  std::vector<int64_t> args;
  bool is_unsigned = false;
};

ParsedType parse(const std::string& declared) {
  ParsedType t;
  const std::string s = lower(declared);
  size_t i = 0;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '_')) {
    t.base.push_back(s[i++]);
  }
  if (i < s.size() && s[i] == '(') {
    const size_t close = s.find(')', i);
    std::string inner =
        s.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
    size_t start = 0;
    while (start < inner.size()) {
      size_t comma = inner.find(',', start);
      if (comma == std::string::npos) {
        comma = inner.size();
      }
      t.args.push_back(std::atoll(inner.substr(start, comma - start).c_str()));
      start = comma + 1;
    }
  }
  t.is_unsigned = s.find("unsigned") != std::string::npos;
  return t;
}

std::string quote_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out + "\"";
}

std::string varchar(int64_t bytes) {
  return "VARCHAR(" + std::to_string(std::clamp<int64_t>(bytes, 1, kMaxVarchar)) + ")";
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') {
      out += "``";
    } else {
      out.push_back(c);
    }
  }
  return out + "`";
}

std::optional<MappedType> map_type(const Column& column, bool key, int char_bytes,
                                   std::string* error) {
  const ParsedType t = parse(column.type);
  const std::string& b = t.base;
  auto arg = [&](size_t i, int64_t dflt) { return i < t.args.size() ? t.args[i] : dflt; };
  if (b == "boolean" || b == "bool" || (b == "tinyint" && arg(0, 0) == 1 && !t.is_unsigned) ||
      (b == "bit" && arg(0, 1) == 1)) {
    return MappedType{"BOOLEAN"};
  }
  if (b == "tinyint") {
    return MappedType{t.is_unsigned ? "SMALLINT" : "TINYINT"};
  }
  if (b == "bit") {
    // Sources hand BIT(n) over as an unsigned number.
    return MappedType{arg(0, 1) < 64 ? "BIGINT" : "LARGEINT"};
  }
  if (b == "smallint") {
    return MappedType{t.is_unsigned ? "INT" : "SMALLINT"};
  }
  if (b == "mediumint" || b == "year") {
    return MappedType{"INT"};
  }
  if (b == "int" || b == "integer") {
    return MappedType{t.is_unsigned ? "BIGINT" : "INT"};
  }
  if (b == "bigint" || b == "serial") {
    if (t.is_unsigned || b == "serial") {
      return MappedType{key ? "VARCHAR(21)" : "DECIMAL(20, 0)"};
    }
    return MappedType{"BIGINT"};
  }
  if (b == "float" || b == "double" || b == "real") {
    if (key) {
      *error = column.name + ": " + column.type + " cannot be a StarRocks key column";
      return std::nullopt;
    }
    return MappedType{b == "float" && t.args.empty() ? "FLOAT" : "DOUBLE"};
  }
  if (b == "decimal" || b == "numeric" || b == "fixed" || b == "dec") {
    const int64_t p = arg(0, 10);
    const int64_t s = arg(1, 0);
    if (p > 38) {
      return MappedType{varchar(kMaxVarchar)};
    }
    if (key) {
      return MappedType{varchar(s == 0 ? p + 1 : p + 2)};
    }
    return MappedType{"DECIMAL(" + std::to_string(p) + ", " + std::to_string(s) + ")"};
  }
  if (b == "date") {
    return MappedType{"DATE"};
  }
  if (b == "datetime" || b == "timestamp") {
    return MappedType{"DATETIME"};
  }
  if (b == "time") {
    const int64_t p = arg(0, 0);
    return MappedType{varchar(p == 0 ? 10 : 11 + p)};  // -838:59:59.ffffff
  }
  if (b == "char") {
    const int64_t n = arg(0, 1) * char_bytes;
    if (!key && n <= 255) {
      return MappedType{"CHAR(" + std::to_string(n) + ")"};
    }
    return MappedType{varchar(n)};
  }
  if (b == "varchar") {
    return MappedType{varchar(arg(0, 255) * char_bytes)};
  }
  if (b == "tinytext" || b == "text" || b == "mediumtext" || b == "longtext" || b == "enum" ||
      b == "set" || b == "json" || b == "geometry" || b == "point" || b == "linestring" ||
      b == "polygon" || b == "multipoint" || b == "multilinestring" || b == "multipolygon" ||
      b == "geometrycollection") {
    return MappedType{varchar(kMaxVarchar)};
  }
  if (b == "binary" || b == "varbinary" || b == "tinyblob" || b == "blob" || b == "mediumblob" ||
      b == "longblob") {
    if (key) {
      *error = column.name + ": " + column.type + " cannot be a StarRocks key column";
      return std::nullopt;
    }
    return MappedType{"VARBINARY"};
  }
  *error = column.name + ": type " + column.type + " has no StarRocks mapping";
  return std::nullopt;
}

std::optional<std::string> create_table_sql(const TableSchema& schema, const TableId& target,
                                            int char_bytes, int buckets,
                                            const std::map<std::string, std::string>& properties,
                                            std::string* error) {
  if (schema.primary_key().empty()) {
    *error = schema.id().str() + " has no primary key; starcdc creates Primary Key tables";
    return std::nullopt;
  }
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(target.database) + "." +
                    quote_identifier(target.table) + " (\n";
  std::vector<size_t> order(schema.primary_key().begin(), schema.primary_key().end());
  for (size_t i = 0; i < schema.columns().size(); ++i) {
    if (std::find(order.begin(), order.end(), i) == order.end()) {
      order.push_back(i);
    }
  }
  const size_t key_count = schema.primary_key().size();
  for (size_t n = 0; n < order.size(); ++n) {
    const Column& c = schema.columns()[order[n]];
    const bool key = n < key_count;
    auto mapped = map_type(c, key, char_bytes, error);
    if (!mapped) {
      *error = schema.id().str() + "." + *error;
      return std::nullopt;
    }
    sql += quote_identifier(c.name) + " " + mapped->sql +
           (key || !c.nullable ? " NOT NULL" : " NULL") + (n + 1 < order.size() ? ",\n" : "\n");
  }
  std::string keys;
  for (size_t n = 0; n < key_count; ++n) {
    keys += (n == 0 ? "" : ", ") + quote_identifier(schema.columns()[order[n]].name);
  }
  sql += ") PRIMARY KEY (" + keys + ")\nDISTRIBUTED BY HASH (" + keys + ")";
  if (buckets > 0) {
    sql += " BUCKETS " + std::to_string(buckets);
  }
  if (!properties.empty()) {
    sql += "\nPROPERTIES (\n";
    size_t n = 0;
    for (const auto& [k, v] : properties) {
      sql += quote_string(k) + " = " + quote_string(v) + (++n < properties.size() ? ",\n" : "\n");
    }
    sql += ")";
  }
  return sql;
}

}  // namespace starcdc::starrocks
