#include "daemon/status_report.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace starcdc {

std::string rfc3339_ms(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

std::string status_json(const StatusInput& in) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("pipeline");
  w.String(in.pipeline.c_str());
  w.Key("state");
  w.String(in.state.c_str());
  w.Key("state_dir");
  w.String(in.state_dir.c_str());
  if (in.buffered_bytes) {
    w.Key("buffered_bytes");
    w.Uint64(*in.buffered_bytes);
  }
  w.Key("checkpoint");
  if (in.last == nullptr) {
    w.Null();
  } else {
    const CheckpointRecord& r = *in.last;
    w.StartObject();
    w.Key("epoch");
    w.Uint64(r.epoch);
    w.Key("committed");
    w.Bool(r.committed);
    w.Key("position");
    if (r.position.empty()) {
      w.Null();
    } else {
      w.RawValue(r.position.json().c_str(), r.position.json().size(), rapidjson::kObjectType);
    }
    w.Key("written_at");
    w.String(rfc3339_ms(r.written_unix_ms).c_str());
    w.Key("age_seconds");
    w.Double(static_cast<double>(in.now_unix_ms - r.written_unix_ms) / 1000.0);
    if (r.last_commit_ms > 0) {
      w.Key("last_source_commit_at");
      w.String(rfc3339_ms(r.last_commit_ms).c_str());
    }
    w.Key("prepared");
    w.StartArray();
    for (const auto& t : r.prepared) {
      w.String(t.label.c_str());
    }
    w.EndArray();
    w.EndObject();
  }
  w.Key("tables");
  w.StartObject();
  if (in.last != nullptr) {
    for (const auto& [name, c] : in.last->tables) {
      w.Key(name.c_str());
      w.StartObject();
      w.Key("rows");
      w.Uint64(c.rows);
      w.Key("bytes");
      w.Uint64(c.bytes);
      w.Key("last_epoch");
      w.Uint64(c.last_epoch);
      w.EndObject();
    }
  }
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

namespace {

// The initial snapshot's progress when the position carries one (the mysql source): one line per
// table that is or was copied.
void snapshot_lines(const Position& position, std::string& out) {
  rapidjson::Document d;
  d.Parse(position.json().c_str(), position.json().size());
  if (d.HasParseError() || !d.IsObject()) {
    return;
  }
  auto snap = d.FindMember("snapshot");
  if (snap == d.MemberEnd() || !snap->value.IsObject()) {
    return;
  }
  auto tables = snap->value.FindMember("tables");
  if (tables == snap->value.MemberEnd() || !tables->value.IsObject()) {
    return;
  }
  auto u64 = [](const rapidjson::Value& o, const char* key) -> unsigned long long {
    auto it = o.FindMember(key);
    return it != o.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
  };
  std::string lines;
  for (const auto& t : tables->value.GetObject()) {
    auto st = t.value.FindMember("state");
    const std::string state =
        st != t.value.MemberEnd() && st->value.IsString() ? st->value.GetString() : "";
    if (state == "streaming" || state.empty()) {
      continue;
    }
    const unsigned long long rows = u64(t.value, "rows");
    const unsigned long long estimate = u64(t.value, "estimate");
    const unsigned long long chunks = u64(t.value, "chunks");
    const unsigned long long total = u64(t.value, "estimated_chunks");
    char buf[320];
    if (state == "copying" || state == "waiting") {
      std::snprintf(buf, sizeof buf, "  %-40s %-8s chunks %llu of ~%llu, rows %llu of ~%llu\n",
                    t.name.GetString(), state.c_str(), chunks, std::max(total, chunks), rows,
                    std::max(estimate, rows));
    } else {
      std::snprintf(buf, sizeof buf, "  %-40s %-8s chunks %llu, rows %llu\n", t.name.GetString(),
                    state.c_str(), chunks, rows);
    }
    lines += buf;
  }
  if (!lines.empty()) {
    out += "snapshot\n" + lines;
  }
}

}  // namespace

std::string status_text(const StatusInput& in) {
  std::string out;
  auto line = [&](const char* key, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-12s", key);
    out += buf + value + "\n";
  };
  line("pipeline", in.pipeline);
  line("state", in.state);
  line("state dir", in.state_dir);
  if (in.last == nullptr) {
    line("checkpoint", "none yet (the pipeline has not committed anything)");
    return out;
  }
  const CheckpointRecord& r = *in.last;
  line("epoch", std::to_string(r.epoch) +
                    (r.committed ? " (committed)" : " (prepared; the next start commits it)"));
  line("position", r.position.empty() ? "(start)" : r.position.json());
  line("checkpoint", rfc3339_ms(r.written_unix_ms) + " (" +
                         std::to_string((in.now_unix_ms - r.written_unix_ms) / 1000) + "s ago)");
  if (r.last_commit_ms > 0) {
    line("source time", rfc3339_ms(r.last_commit_ms));
  }
  snapshot_lines(r.position, out);
  out += "tables\n";
  for (const auto& [name, c] : r.tables) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-40s rows %-12llu bytes %-14llu last epoch %llu\n",
                  name.c_str(), static_cast<unsigned long long>(c.rows),
                  static_cast<unsigned long long>(c.bytes),
                  static_cast<unsigned long long>(c.last_epoch));
    out += buf;
  }
  return out;
}

}  // namespace starcdc
