#include "sources/kafka/formats/message.hpp"

#include "sources/kafka/formats/decoders.hpp"

namespace starcdc::kafka {

std::optional<Format> format_from(std::string_view name) {
  if (name == "debezium-json") {
    return Format::DebeziumJson;
  }
  if (name == "canal-json") {
    return Format::CanalJson;
  }
  if (name == "maxwell-json") {
    return Format::MaxwellJson;
  }
  if (name == "json") {
    return Format::Json;
  }
  return std::nullopt;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::DebeziumJson:
      return "debezium-json";
    case Format::CanalJson:
      return "canal-json";
    case Format::MaxwellJson:
      return "maxwell-json";
    case Format::Json:
      return "json";
  }
  return "?";
}

std::unique_ptr<MessageDecoder> make_decoder(Format format, const DecoderOptions& options) {
  switch (format) {
    case Format::DebeziumJson:
      return make_debezium_decoder(options);
    case Format::CanalJson:
      return make_canal_decoder(options);
    case Format::MaxwellJson:
      return make_maxwell_decoder(options);
    case Format::Json:
      return make_plain_json_decoder(options);
  }
  return nullptr;
}

Column infer_column(std::string_view name, const Value& v) {
  Column c;
  c.name = name;
  const std::string scale = "(" + std::to_string(v.scale) + ")";
  switch (v.kind) {
    case ValueKind::Bool:
      c.type = "boolean";
      break;
    case ValueKind::Int:
      c.type = "bigint";
      break;
    case ValueKind::UInt:
      c.type = "bigint unsigned";
      break;
    case ValueKind::Double:
      c.type = "double";
      break;
    case ValueKind::Decimal: {
      const std::string_view t = v.text();
      const size_t dot = t.find('.');
      size_t digits = 0;
      if (dot != std::string_view::npos) {
        while (dot + 1 + digits < t.size() && t[dot + 1 + digits] >= '0' &&
               t[dot + 1 + digits] <= '9') {
          ++digits;
        }
      }
      c.type = "decimal(38," + std::to_string(digits > 18 ? 18 : digits) + ")";
      break;
    }
    case ValueKind::Bytes:
      c.type = "varbinary(65533)";
      break;
    case ValueKind::Json:
      c.type = "json";
      break;
    case ValueKind::Date:
      c.type = "date";
      break;
    case ValueKind::Time:
      c.type = "time" + scale;
      break;
    case ValueKind::DateTime:
      c.type = "datetime" + scale;
      break;
    case ValueKind::Timestamp:
      c.type = "timestamp" + scale;
      break;
    case ValueKind::Null:
    case ValueKind::String:
      c.type = "varchar(65533)";
      break;
  }
  return c;
}

const char* skip_json_space(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
    ++p;
  }
  return p;
}

const char* skip_json_value(const char* p, const char* end) {
  if (p >= end) {
    return nullptr;
  }
  if (*p == '"') {
    for (++p; p < end; ++p) {
      if (*p == '\\') {
        ++p;
      } else if (*p == '"') {
        return p + 1;
      }
    }
    return nullptr;
  }
  if (*p == '{' || *p == '[') {
    size_t depth = 0;
    for (; p < end; ++p) {
      const char c = *p;
      if (c == '"') {
        p = skip_json_value(p, end);
        if (p == nullptr) {
          return nullptr;
        }
        --p;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          return p + 1;
        }
      }
    }
    return nullptr;
  }
  // A number or a literal: up to the next delimiter.
  while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' &&
         *p != '\r') {
    ++p;
  }
  return p;
}

}  // namespace starcdc::kafka
