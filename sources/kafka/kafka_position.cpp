#include "sources/kafka/kafka_position.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>

namespace starcdc::kafka {

std::string position_json(const Offsets& offsets, const std::string& schemas) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("offsets");
  w.StartObject();
  const std::string* topic = nullptr;
  for (const auto& [key, offset] : offsets) {
    if (topic == nullptr || *topic != key.first) {
      if (topic != nullptr) {
        w.EndObject();
      }
      topic = &key.first;
      w.Key(key.first.c_str(), static_cast<rapidjson::SizeType>(key.first.size()));
      w.StartObject();
    }
    const std::string p = std::to_string(key.second);
    w.Key(p.c_str(), static_cast<rapidjson::SizeType>(p.size()));
    w.Int64(offset);
  }
  if (topic != nullptr) {
    w.EndObject();
  }
  w.EndObject();
  w.Key("schemas");
  w.RawValue(schemas.c_str(), schemas.size(), rapidjson::kObjectType);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

bool read_offsets(const rapidjson::Value& doc, Offsets& out) {
  if (!doc.IsObject() || !doc.HasMember("offsets") || !doc["offsets"].IsObject()) {
    return false;
  }
  for (const auto& t : doc["offsets"].GetObject()) {
    if (!t.value.IsObject()) {
      return false;
    }
    for (const auto& p : t.value.GetObject()) {
      char* end = nullptr;
      const long part = std::strtol(p.name.GetString(), &end, 10);
      if (*end != '\0' || part < 0 || !p.value.IsInt64() || p.value.GetInt64() < 0) {
        return false;
      }
      out[{t.name.GetString(), static_cast<int32_t>(part)}] = p.value.GetInt64();
    }
  }
  return true;
}

}  // namespace starcdc::kafka
