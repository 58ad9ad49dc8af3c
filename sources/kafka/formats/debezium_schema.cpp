#include "sources/kafka/formats/debezium_schema.hpp"

#include <algorithm>
#include <charconv>

namespace starcdc::kafka {
namespace {

// Debezium's semantic type names (io.debezium.time, io.debezium.data) and Kafka Connect's
// logical types, with what their payload values are.
// https://debezium.io/documentation/reference/stable/connectors/mysql.html#mysql-data-types
struct Semantic {
  std::string_view name;
  DbzKind kind;
};
constexpr Semantic kSemantics[] = {
    {"io.debezium.time.Date", DbzKind::Date},
    {"org.apache.kafka.connect.data.Date", DbzKind::Date},
    {"io.debezium.time.Time", DbzKind::TimeMillis},
    {"org.apache.kafka.connect.data.Time", DbzKind::TimeMillis},
    {"io.debezium.time.MicroTime", DbzKind::TimeMicros},
    {"io.debezium.time.NanoTime", DbzKind::TimeNanos},
    {"io.debezium.time.Timestamp", DbzKind::TsMillis},
    {"org.apache.kafka.connect.data.Timestamp", DbzKind::TsMillis},
    {"io.debezium.time.MicroTimestamp", DbzKind::TsMicros},
    {"io.debezium.time.NanoTimestamp", DbzKind::TsNanos},
    {"io.debezium.time.ZonedTimestamp", DbzKind::Zoned},
    {"org.apache.kafka.connect.data.Decimal", DbzKind::Decimal},
    {"io.debezium.data.VariableScaleDecimal", DbzKind::VarDecimal},
    {"io.debezium.data.Json", DbzKind::Json},
    {"io.debezium.data.Bits", DbzKind::Bits},
};

std::string_view member_text(const JsonTape& t, uint32_t obj, std::string_view key) {
  const uint32_t v = t.find(obj, key);
  return v != JsonTape::kNone && t[v].type == JsonType::String ? t[v].str() : std::string_view();
}

// A schema parameter holding a number ("2"); `fallback` when absent or not a number.
int64_t int_param(const JsonTape& t, uint32_t params, std::string_view key, int64_t fallback) {
  if (params == JsonTape::kNone) {
    return fallback;
  }
  const std::string_view s = member_text(t, params, key);
  int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size() ? v : fallback;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// enum('a','b') from Debezium's "allowed" parameter ("a,b").
std::string enumeration(std::string_view kind, std::string_view allowed) {
  std::string out(kind);
  out += "(";
  size_t start = 0;
  while (true) {
    const size_t comma = allowed.find(',', start);
    const std::string_view v = allowed.substr(start, comma - start);
    out += "'";
    for (const char c : v) {
      out += c == '\'' ? "''" : std::string(1, c);
    }
    out += "'";
    if (comma == std::string_view::npos) {
      break;
    }
    out += ",";
    start = comma + 1;
  }
  return out + ")";
}

// The MySQL type from column.propagate.source.type's parameters: "DECIMAL" + length 12 + scale
// 2 → decimal(12,2); "INT UNSIGNED" + 10 → int(10) unsigned. The MySQL connector puts the
// fractional second digits of TIME/DATETIME/TIMESTAMP in the length.
std::string source_type(std::string_view raw, int64_t length, int64_t scale, uint8_t& fraction) {
  const std::string t = lower(raw);
  const size_t space = t.find(' ');
  const std::string base = t.substr(0, space);
  const std::string flags = space == std::string::npos ? "" : t.substr(space);
  static constexpr std::string_view kWithLength[] = {
      "char",     "varchar",   "binary",  "varbinary", "bit",       "tinyint",
      "smallint", "mediumint", "int",     "integer",   "bigint",    "float",
      "double",   "decimal",   "numeric", "datetime",  "timestamp", "time"};
  std::string out = base;
  bool with_length = false;
  for (const std::string_view k : kWithLength) {
    with_length = with_length || base == k;
  }
  const bool temporal = base == "datetime" || base == "timestamp" || base == "time";
  if (temporal) {
    with_length = length > 0 && length <= 6;
    fraction = static_cast<uint8_t>(with_length ? length : 0);
  }
  if (with_length && length > 0 && length < 100000) {
    out += "(" + std::to_string(length);
    if ((base == "decimal" || base == "numeric") && scale > 0 && scale < 100) {
      out += "," + std::to_string(scale);
    }
    out += ")";
  }
  return out + flags;
}

bool read_field(const JsonTape& t, uint32_t f, DbzField& field, Column& column,
                std::string& error) {
  if (t[f].type != JsonType::Object) {
    error = "a field schema is not an object";
    return false;
  }
  field.name = member_text(t, f, "field");
  const std::string_view type = member_text(t, f, "type");
  if (field.name.empty() || type.empty()) {
    error = "a field schema lacks \"field\" or \"type\"";
    return false;
  }
  const std::string_view name = member_text(t, f, "name");
  uint32_t params = t.find(f, "parameters");
  if (params != JsonTape::kNone && t[params].type != JsonType::Object) {
    params = JsonTape::kNone;
  }
  const uint32_t optional = t.find(f, "optional");
  column.name = field.name;
  column.nullable = optional == JsonTape::kNone || t[optional].type != JsonType::False;

  field.kind = DbzKind::String;
  bool semantic = false;
  for (const Semantic& s : kSemantics) {
    if (name == s.name) {
      field.kind = s.kind;
      semantic = true;
      break;
    }
  }
  if (!semantic) {
    if (type == "boolean") {
      field.kind = DbzKind::Bool;
    } else if (type == "int8" || type == "int16" || type == "int32" || type == "int64") {
      field.kind = DbzKind::Int;
    } else if (type == "float32" || type == "float64" || type == "float" || type == "double") {
      field.kind = DbzKind::Float;
    } else if (type == "bytes") {
      field.kind = DbzKind::Bytes;
    } else if (type == "struct" || type == "array" || type == "map") {
      field.kind = DbzKind::Struct;
    } else if (type != "string") {
      error = "the field " + field.name + " has the unknown type \"" + std::string(type) + "\"";
      return false;
    }
  }
  if (field.kind == DbzKind::Decimal) {
    const int64_t scale = int_param(t, params, "scale", INT64_MIN);
    if (scale < -100 || scale > 100) {
      error = "the decimal field " + field.name + " has no usable \"scale\" parameter";
      return false;
    }
    field.scale = static_cast<int32_t>(scale);
  }
  switch (field.kind) {
    case DbzKind::TimeMillis:
    case DbzKind::TsMillis:
      field.fraction = 3;
      break;
    case DbzKind::TimeMicros:
    case DbzKind::TimeNanos:
    case DbzKind::TsMicros:
    case DbzKind::TsNanos:
    case DbzKind::Zoned:
      field.fraction = 6;
      break;
    default:
      break;
  }

  const std::string_view raw = params == JsonTape::kNone
                                   ? std::string_view()
                                   : member_text(t, params, "__debezium.source.column.type");
  const std::string_view allowed =
      params == JsonTape::kNone ? std::string_view() : member_text(t, params, "allowed");
  if (!raw.empty()) {
    uint8_t fraction = field.fraction;
    column.type = source_type(raw, int_param(t, params, "__debezium.source.column.length", 0),
                              int_param(t, params, "__debezium.source.column.scale", 0), fraction);
    if (lower(raw) == "enum" || lower(raw) == "set") {
      column.type = allowed.empty() ? lower(raw) : enumeration(lower(raw), allowed);
    }
    if (field.kind != DbzKind::Zoned && field.kind != DbzKind::String) {
      field.fraction = fraction;
    }
    return true;
  }
  const std::string f6 = "(" + std::to_string(field.fraction) + ")";
  switch (field.kind) {
    case DbzKind::Bool:
      column.type = "boolean";
      break;
    case DbzKind::Int:
      column.type = name == "io.debezium.time.Year" ? "year"
                    : type == "int8"                ? "tinyint"
                    : type == "int16"               ? "smallint"
                    : type == "int32"               ? "int"
                                                    : "bigint";
      break;
    case DbzKind::Float:
      column.type = type == "float32" || type == "float" ? "float" : "double";
      break;
    case DbzKind::String:
      if (name == "io.debezium.data.Enum" || name == "io.debezium.data.EnumSet") {
        const std::string_view kind = name == "io.debezium.data.Enum" ? "enum" : "set";
        column.type = allowed.empty() ? std::string(kind) : enumeration(kind, allowed);
      } else {
        column.type = "varchar(65533)";
      }
      break;
    case DbzKind::Bytes:
      column.type = "varbinary(65533)";
      break;
    case DbzKind::Json:
    case DbzKind::Struct:
      column.type = "json";
      break;
    case DbzKind::Date:
      column.type = "date";
      break;
    case DbzKind::TimeMillis:
    case DbzKind::TimeMicros:
    case DbzKind::TimeNanos:
      column.type = "time" + f6;
      break;
    case DbzKind::TsMillis:
    case DbzKind::TsMicros:
    case DbzKind::TsNanos:
      column.type = "datetime" + f6;
      break;
    case DbzKind::Zoned:
      column.type = "timestamp" + f6;
      break;
    case DbzKind::Decimal: {
      int64_t precision = int_param(t, params, "connect.decimal.precision", 65);
      const int64_t scale = field.scale < 0 ? 0 : field.scale;
      precision = std::clamp<int64_t>(precision, std::max<int64_t>(scale, 1), 100);
      column.type = "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
      break;
    }
    case DbzKind::VarDecimal:
      column.type = "decimal(65,30)";
      break;
    case DbzKind::Bits: {
      const int64_t bits = int_param(t, params, "length", 64);
      column.type = "bit(" + std::to_string(std::clamp<int64_t>(bits, 1, 64)) + ")";
      break;
    }
  }
  return true;
}

// The struct holding the row: the envelope's "after" (or "before") field, or `root` itself.
uint32_t row_struct(const JsonTape& t, uint32_t root) {
  const uint32_t fields = t.find(root, "fields");
  if (fields == JsonTape::kNone || t[fields].type != JsonType::Array) {
    return JsonTape::kNone;
  }
  uint32_t before = JsonTape::kNone;
  for (uint32_t f = JsonTape::first(fields); f < t[fields].end; f = t.next(f)) {
    const std::string_view name = member_text(t, f, "field");
    if ((name == "after" || name == "before") && member_text(t, f, "type") == "struct") {
      if (name == "after") {
        return f;
      }
      before = f;
    }
  }
  return before != JsonTape::kNone ? before : root;
}

}  // namespace

bool read_debezium_schema(const JsonTape& t, uint32_t root, DbzSchema& out, std::string& error) {
  if (t[root].type != JsonType::Object) {
    error = std::string("the schema is ") + json_type_name(t[root].type) + ", not an object";
    return false;
  }
  const uint32_t row = row_struct(t, root);
  if (row == JsonTape::kNone) {
    error = "the schema has no \"fields\" array";
    return false;
  }
  const uint32_t fields = t.find(row, "fields");
  if (fields == JsonTape::kNone || t[fields].type != JsonType::Array) {
    error = "the row schema has no \"fields\" array";
    return false;
  }
  for (uint32_t f = JsonTape::first(fields); f < t[fields].end; f = t.next(f)) {
    DbzField field;
    Column column;
    if (!read_field(t, f, field, column, error)) {
      return false;
    }
    out.fields.push_back(std::move(field));
    out.declared.push_back(std::move(column));
  }
  for (uint32_t i = 0; i < out.fields.size(); ++i) {
    out.by_name.emplace(out.fields[i].name, i);
  }
  return true;
}

bool read_key_schema(const JsonTape& t, uint32_t root, std::vector<std::string>& names) {
  const uint32_t fields =
      t[root].type == JsonType::Object ? t.find(root, "fields") : JsonTape::kNone;
  if (fields == JsonTape::kNone || t[fields].type != JsonType::Array) {
    return false;
  }
  names.clear();
  for (uint32_t f = JsonTape::first(fields); f < t[fields].end; f = t.next(f)) {
    const std::string_view name = member_text(t, f, "field");
    if (name.empty()) {
      return false;
    }
    names.emplace_back(name);
  }
  return true;
}

}  // namespace starcdc::kafka
