#include "faults.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "catalog.hpp"

namespace emu {
namespace {

struct KindName {
  FaultKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {FaultKind::kHttpError, "http_error"},
    {FaultKind::kDropMidBody, "drop_mid_body"},
    {FaultKind::kLoseResponse, "lose_response"},
    {FaultKind::kPublishTimeout, "publish_timeout"},
    {FaultKind::kDelay, "delay"},
    {FaultKind::kAbortAfterPrepare, "abort_after_prepare"},
    {FaultKind::kErrorMessage, "error_message"},
    {FaultKind::kFeDown, "fe_down"},
    {FaultKind::kDelayContinue, "delay_continue"},
    {FaultKind::kBeRestart, "be_restart"},
};

bool parse_rule(const rapidjson::Value& v, FaultRule* r, std::string* error) {
  if (!v.IsObject()) {
    *error = "a fault rule must be a JSON object";
    return false;
  }
  if (!v.HasMember("kind") || !v["kind"].IsString()) {
    *error = "a fault rule needs \"kind\"";
    return false;
  }
  std::string kind = v["kind"].GetString();
  bool found = false;
  for (const KindName& k : kKinds) {
    if (kind == k.name) {
      r->kind = k.kind;
      found = true;
    }
  }
  if (!found) {
    *error = "unknown fault kind '" + kind +
             "' (http_error, drop_mid_body, lose_response, publish_timeout, delay, "
             "abort_after_prepare, error_message, fe_down, delay_continue, be_restart)";
    return false;
  }
  auto str = [&](const char* k, std::string* dst) {
    if (v.HasMember(k) && v[k].IsString()) {
      *dst = v[k].GetString();
    }
  };
  auto num = [&](const char* k, int64_t* dst) {
    if (v.HasMember(k) && v[k].IsNumber()) {
      *dst = v[k].GetInt64();
    }
  };
  str("endpoint", &r->endpoint);
  str("db", &r->db);
  str("table", &r->table);
  str("label", &r->label);
  str("body", &r->body);
  str("message", &r->message);
  str("fe_reply", &r->fe_reply);
  num("count", &r->remaining);
  int64_t status = r->status;
  num("status", &status);
  r->status = static_cast<int>(status);
  num("delay_ms", &r->delay_ms);
  num("visible_after_ms", &r->visible_after_ms);
  num("duration_ms", &r->duration_ms);
  num("after_bytes", &r->after_bytes);
  static const char* kEndpoints[] = {"any", "stream_load", "begin", "load", "prepare",
                                     "commit", "rollback", "get_load_state"};
  bool ep_ok = false;
  for (const char* e : kEndpoints) {
    ep_ok = ep_ok || r->endpoint == e;
  }
  if (!ep_ok) {
    *error = "unknown endpoint '" + r->endpoint +
             "' (any, stream_load, begin, load, prepare, commit, rollback, get_load_state)";
    return false;
  }
  if (r->kind == FaultKind::kErrorMessage && r->message.empty()) {
    *error = "error_message needs \"message\"";
    return false;
  }
  return true;
}

}  // namespace

const char* fault_kind_name(FaultKind k) {
  for (const KindName& n : kKinds) {
    if (n.kind == k) {
      return n.name;
    }
  }
  return "unknown";
}

std::optional<std::vector<int64_t>> Faults::add_json(const std::string& body,
                                                      std::string* error) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError()) {
    *error = "fault body is not valid JSON";
    return std::nullopt;
  }
  std::vector<FaultRule> parsed;
  auto one = [&](const rapidjson::Value& v) {
    FaultRule r;
    if (!parse_rule(v, &r, error)) {
      return false;
    }
    parsed.push_back(r);
    return true;
  };
  if (d.IsObject() && d.HasMember("faults") && d["faults"].IsArray()) {
    for (const auto& v : d["faults"].GetArray()) {
      if (!one(v)) {
        return std::nullopt;
      }
    }
  } else if (d.IsArray()) {
    for (const auto& v : d.GetArray()) {
      if (!one(v)) {
        return std::nullopt;
      }
    }
  } else if (!one(d)) {
    return std::nullopt;
  }
  std::vector<int64_t> ids;
  for (FaultRule& r : parsed) {
    r.id = next_id_++;
    ids.push_back(r.id);
    rules_.push_back(r);
  }
  return ids;
}

std::optional<FaultRule> Faults::take(FaultKind kind, const std::string& endpoint,
                                      const std::string& db, const std::string& table,
                                      const std::string& label) {
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    FaultRule& r = *it;
    if (r.kind != kind || (r.endpoint != "any" && r.endpoint != endpoint) ||
        (!r.db.empty() && lower_name(r.db) != lower_name(db)) ||
        (!r.table.empty() && lower_name(r.table) != lower_name(table)) ||
        (!r.label.empty() && r.label != label)) {
      continue;
    }
    ++r.hits;
    FaultRule copy = r;
    if (r.remaining > 0 && --r.remaining == 0) {
      rules_.erase(it);
    }
    return copy;
  }
  return std::nullopt;
}

std::string Faults::to_json() const {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("faults");
  w.StartArray();
  for (const FaultRule& r : rules_) {
    w.StartObject();
    w.Key("id");
    w.Int64(r.id);
    w.Key("kind");
    w.String(fault_kind_name(r.kind));
    w.Key("endpoint");
    w.String(r.endpoint.c_str());
    w.Key("remaining");
    w.Int64(r.remaining);
    w.Key("hits");
    w.Int64(r.hits);
    if (!r.db.empty()) {
      w.Key("db");
      w.String(r.db.c_str());
    }
    if (!r.table.empty()) {
      w.Key("table");
      w.String(r.table.c_str());
    }
    if (!r.label.empty()) {
      w.Key("label");
      w.String(r.label.c_str());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace emu
