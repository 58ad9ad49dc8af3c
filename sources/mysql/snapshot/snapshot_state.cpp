#include "sources/mysql/snapshot/snapshot_state.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::snapshot {
namespace {

uint64_t file_number(const std::string& f, bool& ok) {
  const size_t dot = f.rfind('.');
  uint64_t n = 0;
  const char* b = f.data() + (dot == std::string::npos ? f.size() : dot + 1);
  const char* e = f.data() + f.size();
  ok = b != e && std::from_chars(b, e, n).ptr == e;
  return n;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_key(Writer& w, const std::optional<KeyTuple>& k) {
  if (!k) {
    w.Null();
    return;
  }
  w.StartArray();
  for (const auto& part : *k) {
    w.String(part.c_str(), static_cast<rapidjson::SizeType>(part.size()));
  }
  w.EndArray();
}

std::optional<KeyTuple> read_key(const rapidjson::Value& v) {
  if (!v.IsArray()) {
    return std::nullopt;
  }
  KeyTuple k;
  for (const auto& part : v.GetArray()) {
    k.emplace_back(part.IsString() ? std::string(part.GetString(), part.GetStringLength()) : "");
  }
  return k;
}

CopyState state_from(std::string_view s) {
  if (s == "waiting") {
    return CopyState::Waiting;
  }
  if (s == "copying") {
    return CopyState::Copying;
  }
  if (s == "copied") {
    return CopyState::Copied;
  }
  if (s == "done") {
    return CopyState::Done;
  }
  return CopyState::Streaming;
}

uint64_t get_u64(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

}  // namespace

int compare(const LogPoint& a, const LogPoint& b) {
  if (a.file != b.file) {
    bool oka = false;
    bool okb = false;
    const uint64_t na = file_number(a.file, oka);
    const uint64_t nb = file_number(b.file, okb);
    if (oka && okb && na != nb) {
      return na < nb ? -1 : 1;
    }
    return a.file < b.file ? -1 : 1;
  }
  return a.offset < b.offset ? -1 : (a.offset > b.offset ? 1 : 0);
}

const char* copy_state_name(CopyState s) {
  switch (s) {
    case CopyState::Waiting:
      return "waiting";
    case CopyState::Copying:
      return "copying";
    case CopyState::Copied:
      return "copied";
    case CopyState::Done:
      return "done";
    case CopyState::Streaming:
      break;
  }
  return "streaming";
}

std::string SnapshotState::to_json() const {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("tables");
  w.StartObject();
  for (const auto& [id, t] : tables) {
    const std::string name = id.str();
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("state");
    w.String(copy_state_name(t.state));
    if (t.state != CopyState::Streaming) {
      w.Key("chunks");
      w.Uint64(t.chunks);
      w.Key("rows");
      w.Uint64(t.rows);
      w.Key("estimate");
      w.Uint64(t.estimate);
    }
    if (t.state == CopyState::Copying || t.state == CopyState::Copied) {
      w.Key("estimated_chunks");
      w.Uint64(t.estimated_chunks);
      w.Key("all_read");
      w.Bool(t.all_read);
      w.Key("next");
      write_key(w, t.next);
      if (t.passed_any) {
        w.Key("passed");
        write_key(w, t.passed);
      }
      w.Key("pending");
      w.StartArray();
      for (const auto& p : t.pending) {
        w.StartObject();
        w.Key("high");
        write_key(w, p.high);
        w.Key("file");
        w.String(p.at.file.c_str(), static_cast<rapidjson::SizeType>(p.at.file.size()));
        w.Key("pos");
        w.Uint64(p.at.offset);
        w.EndObject();
      }
      w.EndArray();
      w.Key("shape");
      w.String(t.shape.c_str(), static_cast<rapidjson::SizeType>(t.shape.size()));
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

SnapshotState SnapshotState::from_json(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  auto tables = d.IsObject() ? d.FindMember("tables") : d.MemberEnd();
  if (d.HasParseError() || !d.IsObject() || tables == d.MemberEnd() || !tables->value.IsObject()) {
    throw Error(ErrorKind::Data, "the checkpoint's snapshot progress is not readable: " + json,
                "checkpoint", "the state directory belongs to another version or source");
  }
  SnapshotState out;
  for (const auto& m : tables->value.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    const size_t dot = name.find('.');
    if (dot == std::string::npos || !m.value.IsObject()) {
      continue;
    }
    const rapidjson::Value& o = m.value;
    TableProgress t;
    auto st = o.FindMember("state");
    t.state = state_from(st != o.MemberEnd() && st->value.IsString() ? st->value.GetString() : "");
    t.chunks = get_u64(o, "chunks");
    t.rows = get_u64(o, "rows");
    t.estimate = get_u64(o, "estimate");
    t.estimated_chunks = get_u64(o, "estimated_chunks");
    if (auto a = o.FindMember("all_read"); a != o.MemberEnd() && a->value.IsBool()) {
      t.all_read = a->value.GetBool();
    }
    if (auto n = o.FindMember("next"); n != o.MemberEnd()) {
      t.next = read_key(n->value);
    }
    if (auto p = o.FindMember("passed"); p != o.MemberEnd()) {
      t.passed_any = true;
      t.passed = read_key(p->value);
    }
    if (auto p = o.FindMember("pending"); p != o.MemberEnd() && p->value.IsArray()) {
      for (const auto& e : p->value.GetArray()) {
        if (!e.IsObject()) {
          continue;
        }
        PendingChunk c;
        if (auto h = e.FindMember("high"); h != e.MemberEnd()) {
          c.high = read_key(h->value);
        }
        if (auto f = e.FindMember("file"); f != e.MemberEnd() && f->value.IsString()) {
          c.at.file = f->value.GetString();
        }
        c.at.offset = get_u64(e, "pos");
        t.pending.push_back(std::move(c));
      }
    }
    if (auto s = o.FindMember("shape"); s != o.MemberEnd() && s->value.IsString()) {
      t.shape = s->value.GetString();
    }
    out.tables.emplace(TableId{name.substr(0, dot), name.substr(dot + 1)}, std::move(t));
  }
  return out;
}

}  // namespace starcdc::mysql::snapshot
