// Text of a DecodedMessage for fixture comparisons: one line per fact, values with their kind.
#pragma once

#include <cstdio>
#include <string>

#include "pipeline/common/byte_buffer.hpp"
#include "sources/kafka/formats/message.hpp"

namespace starcdc::kafka {

inline std::string render_value(const Value& v) {
  char buf[64];
  switch (v.kind) {
    case ValueKind::Null:
      return "NULL";
    case ValueKind::Bool:
      return v.i != 0 ? "true" : "false";
    case ValueKind::Int:
      return "Int " + std::to_string(v.i);
    case ValueKind::UInt:
      return "UInt " + std::to_string(v.u);
    case ValueKind::Double:
      std::snprintf(buf, sizeof buf, "Double %.17g", v.d);
      return buf;
    case ValueKind::Bytes: {
      std::string s = "Bytes ";
      for (const char c : v.text()) {
        std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(c));
        s += buf;
      }
      return s;
    }
    case ValueKind::Decimal:
    case ValueKind::String:
    case ValueKind::Json: {
      std::string s = v.kind == ValueKind::Decimal  ? "Decimal \""
                      : v.kind == ValueKind::String ? "String \""
                                                    : "Json \"";
      for (const char c : v.text()) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
          s += '\\';
          s += c;
        } else if (u < 0x20 || u == 0x7f) {
          std::snprintf(buf, sizeof buf, "\\x%02x", u);
          s += buf;
        } else {
          s += c;
        }
      }
      return s + "\"";
    }
    default: {
      ByteBuffer b;
      append_temporal_text(v, b);
      const char* kind = v.kind == ValueKind::Date       ? "Date "
                         : v.kind == ValueKind::Time     ? "Time "
                         : v.kind == ValueKind::DateTime ? "DateTime "
                                                         : "Timestamp ";
      return kind + std::string(b.view());
    }
  }
}

inline std::string render(const DecodedMessage& m) {
  static constexpr const char* kKinds[] = {"rows", "skip", "truncate", "ddl"};
  std::string s = std::string("kind ") + kKinds[static_cast<int>(m.kind)] + "\n";
  s += "table " + m.table.database + "." + m.table.table + "\n";
  s += "commit_ms " + std::to_string(m.commit_ms) + "\n";
  if (!m.skip_reason.empty()) {
    s += "skip_reason " + m.skip_reason + "\n";
  }
  if (!m.ddl.empty()) {
    s += "ddl " + m.ddl + "\n";
  }
  for (const Column& c : m.declared) {
    s += "declared " + c.name + " " + c.type + (c.nullable ? "" : " not null") + "\n";
  }
  if (!m.primary_key.empty()) {
    s += "primary_key";
    for (const std::string& k : m.primary_key) {
      s += " " + k;
    }
    s += "\n";
  }
  for (const RowChange& r : m.rows) {
    s += std::string("row ") + op_name(r.op) + "\n";
    for (const Field& f : r.before) {
      s += "  before " + std::string(f.name) + " = " + render_value(f.value) + "\n";
    }
    for (const Field& f : r.after) {
      s += "  after " + std::string(f.name) + " = " + render_value(f.value) + "\n";
    }
  }
  return s;
}

}  // namespace starcdc::kafka
