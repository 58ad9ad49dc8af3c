// Column lists in JSON, as checkpoints keep them (the sink's columns in the state file, a
// source's schema history in its position): "columns": [["name", "type", nullable], ...] and
// "key": [index, ...], written into an open object. Header-only (rapidjson templates).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <span>
#include <vector>

#include "pipeline/model/table_schema.hpp"

namespace starcdc {

template <typename Writer>
void write_columns_json(Writer& w, std::span<const Column> columns, std::span<const uint16_t> key) {
  w.Key("columns");
  w.StartArray();
  for (const Column& c : columns) {
    w.StartArray();
    w.String(c.name.c_str(), static_cast<rapidjson::SizeType>(c.name.size()));
    w.String(c.type.c_str(), static_cast<rapidjson::SizeType>(c.type.size()));
    w.Bool(c.nullable);
    w.EndArray();
  }
  w.EndArray();
  w.Key("key");
  w.StartArray();
  for (const uint16_t k : key) {
    w.Uint(k);
  }
  w.EndArray();
}

// Reads what write_columns_json() wrote from object `o`; false when it is not that shape.
inline bool read_columns_json(const rapidjson::Value& o, std::vector<Column>& columns,
                              std::vector<uint16_t>& key) {
  if (!o.IsObject() || !o.HasMember("columns") || !o["columns"].IsArray()) {
    return false;
  }
  for (const auto& c : o["columns"].GetArray()) {
    if (!c.IsArray() || c.Size() != 3 || !c[0].IsString() || !c[1].IsString() || !c[2].IsBool()) {
      return false;
    }
    columns.push_back(Column{c[0].GetString(), c[1].GetString(), c[2].GetBool()});
  }
  if (o.HasMember("key") && o["key"].IsArray()) {
    for (const auto& k : o["key"].GetArray()) {
      if (!k.IsUint() || k.GetUint() >= columns.size()) {
        return false;
      }
      key.push_back(static_cast<uint16_t>(k.GetUint()));
    }
  }
  return true;
}

}  // namespace starcdc
