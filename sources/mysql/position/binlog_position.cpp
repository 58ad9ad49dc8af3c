#include "sources/mysql/position/binlog_position.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace starcdc::mysql {

Position BinlogPosition::to_position() const {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("file");
  w.String(file.c_str(), static_cast<rapidjson::SizeType>(file.size()));
  w.Key("pos");
  w.Uint64(offset);
  if (!gtids.empty()) {
    w.Key("gtids");
    w.String(gtids.c_str(), static_cast<rapidjson::SizeType>(gtids.size()));
  }
  if (server_id != 0) {
    w.Key("server_id");
    w.Uint(server_id);
  }
  if (ts != 0) {
    w.Key("ts");
    w.Int64(ts);
  }
  if (!snapshot.empty()) {
    w.Key("snapshot");
    w.RawValue(snapshot.c_str(), snapshot.size(), rapidjson::kObjectType);
  }
  if (!schemas.empty()) {
    w.Key("schemas");
    w.RawValue(schemas.c_str(), schemas.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return Position::from_json(sb.GetString());
}

std::optional<BinlogPosition> BinlogPosition::from_position(const Position& p, std::string* error) {
  rapidjson::Document d;
  d.Parse(p.json().c_str(), p.json().size());
  if (d.HasParseError() || !d.IsObject()) {
    *error = "the position is not a JSON object: " + p.json();
    return std::nullopt;
  }
  BinlogPosition out;
  auto file = d.FindMember("file");
  auto pos = d.FindMember("pos");
  if (file == d.MemberEnd() || !file->value.IsString() || pos == d.MemberEnd() ||
      !pos->value.IsUint64()) {
    *error =
        "the position has no binlog file and offset (is it from another source type?): " + p.json();
    return std::nullopt;
  }
  out.file = file->value.GetString();
  out.offset = pos->value.GetUint64();
  if (auto g = d.FindMember("gtids"); g != d.MemberEnd() && g->value.IsString()) {
    out.gtids = g->value.GetString();
  }
  if (auto s = d.FindMember("server_id"); s != d.MemberEnd() && s->value.IsUint()) {
    out.server_id = s->value.GetUint();
  }
  if (auto t = d.FindMember("ts"); t != d.MemberEnd() && t->value.IsInt64()) {
    out.ts = t->value.GetInt64();
  }
  for (auto [key, field] :
       {std::pair{"snapshot", &out.snapshot}, std::pair{"schemas", &out.schemas}}) {
    if (auto s = d.FindMember(key); s != d.MemberEnd() && s->value.IsObject()) {
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      s->value.Accept(w);
      field->assign(sb.GetString(), sb.GetSize());
    }
  }
  return out;
}

}  // namespace starcdc::mysql
