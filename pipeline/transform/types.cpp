// Column types of the transform expressions: a source column's declared type read as a value
// type, and the declared type of a computed column.
#include <algorithm>
#include <charconv>

#include "pipeline/transform/convert.hpp"
#include "pipeline/transform/node.hpp"

namespace starcdc::transform {
namespace {

std::vector<int> type_args(const std::string& type) {
  std::vector<int> args;
  const auto open = type.find('(');
  if (open == std::string::npos) {
    return args;
  }
  const char* p = type.data() + open + 1;
  const char* end = type.data() + type.size();
  while (p < end && *p != ')') {
    int n = 0;
    auto r = std::from_chars(p, end, n);
    if (r.ec != std::errc()) {
      break;
    }
    args.push_back(n);
    p = r.ptr;
    while (p < end && (*p == ',' || *p == ' ')) {
      ++p;
    }
  }
  return args;
}

}  // namespace

const char* type_name(Type t) {
  switch (t) {
    case Type::Null:
      return "NULL";
    case Type::Bool:
      return "BOOLEAN";
    case Type::Int:
      return "BIGINT";
    case Type::UInt:
      return "BIGINT UNSIGNED";
    case Type::Double:
      return "DOUBLE";
    case Type::Decimal:
      return "DECIMAL";
    case Type::String:
      return "VARCHAR";
    case Type::Bytes:
      return "VARBINARY";
    case Type::Date:
      return "DATE";
    case Type::Time:
      return "TIME";
    case Type::DateTime:
      return "DATETIME";
    case Type::Timestamp:
      return "TIMESTAMP";
    case Type::Json:
      return "JSON";
  }
  return "?";
}

TypeInfo type_of(const Column& column) {
  std::string t = column.type;
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  const std::string base = t.substr(0, t.find_first_of("( "));
  const std::vector<int> args = type_args(t);
  const bool is_unsigned = t.find("unsigned") != std::string::npos;
  auto arg = [&](size_t i, int def) { return i < args.size() ? args[i] : def; };
  TypeInfo out;
  if (base == "tinyint" || base == "smallint" || base == "mediumint" || base == "int" ||
      base == "integer" || base == "year" || base == "bool" || base == "boolean") {
    out.type = Type::Int;
    out.precision = base == "mediumint" ? 8 : (base == "int" || base == "integer" ? 10 : 5);
  } else if (base == "bigint" || base == "serial") {
    out.type = is_unsigned || base == "serial" ? Type::UInt : Type::Int;
  } else if (base == "bit") {
    out.type = Type::UInt;
  } else if (base == "float" || base == "double" || base == "real") {
    out.type = Type::Double;
  } else if (base == "decimal" || base == "numeric" || base == "dec" || base == "fixed") {
    out.type = Type::Decimal;
    out.precision = cap(arg(0, 10));
    out.scale = static_cast<uint8_t>(std::clamp(arg(1, 0), 0, kMaxDecimalDigits));
  } else if (base == "char" || base == "varchar") {
    out.type = Type::String;
    out.length = static_cast<uint32_t>(std::max(arg(0, 1), 0));
  } else if (base == "binary" || base == "varbinary" || base.ends_with("blob")) {
    out.type = Type::Bytes;
  } else if (base == "date") {
    out.type = Type::Date;
  } else if (base == "time") {
    out.type = Type::Time;
    out.scale = static_cast<uint8_t>(arg(0, 0));
  } else if (base == "datetime") {
    out.type = Type::DateTime;
    out.scale = static_cast<uint8_t>(arg(0, 0));
  } else if (base == "timestamp") {
    out.type = Type::Timestamp;
    out.scale = static_cast<uint8_t>(arg(0, 0));
  } else if (base == "json") {
    out.type = Type::Json;
  } else {
    out.type = Type::String;  // text types, enum, set, spatial types as text
  }
  return out;
}

std::string column_type(const TypeInfo& t) {
  switch (t.type) {
    case Type::Null:
    case Type::String:
      return t.length == 0 || t.length > 65533 ? "longtext"
                                               : "varchar(" + std::to_string(t.length) + ")";
    case Type::Bool:
      return "boolean";
    case Type::Int:
      return "bigint";
    case Type::UInt:
      return "bigint unsigned";
    case Type::Double:
      return "double";
    case Type::Decimal:
      return "decimal(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case Type::Bytes:
      return "longblob";
    case Type::Date:
      return "date";
    case Type::Time:
      return t.scale == 0 ? "time" : "time(" + std::to_string(t.scale) + ")";
    case Type::DateTime:
      return t.scale == 0 ? "datetime" : "datetime(" + std::to_string(t.scale) + ")";
    case Type::Timestamp:
      return t.scale == 0 ? "timestamp" : "timestamp(" + std::to_string(t.scale) + ")";
    case Type::Json:
      return "json";
  }
  return "longtext";
}

}  // namespace starcdc::transform
