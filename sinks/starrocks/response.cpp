#include "sinks/starrocks/response.hpp"

#include <rapidjson/document.h>
#include <strings.h>

namespace starcdc::starrocks {
namespace {

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  // The exact spelling first: FE REST replies carry both `message` ("OK") and `msg` (the real
  // text), and BE replies `Message`.
  if (auto it = obj.FindMember(name); it != obj.MemberEnd()) {
    return &it->value;
  }
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (it->name.IsString() && strcasecmp(it->name.GetString(), name) == 0) {
      return &it->value;
    }
  }
  return nullptr;
}

std::string string_of(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  if (v == nullptr) {
    return {};
  }
  if (v->IsString()) {
    return v->GetString();
  }
  if (v->IsInt64()) {
    return std::to_string(v->GetInt64());
  }
  return {};
}

uint64_t uint_of(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  if (v != nullptr && v->IsUint64()) {
    return v->GetUint64();
  }
  if (v != nullptr && v->IsString()) {
    return std::strtoull(v->GetString(), nullptr, 10);
  }
  return 0;
}

}  // namespace

bool LoadReply::status_is(const char* s) const { return strcasecmp(status.c_str(), s) == 0; }

bool LoadReply::ok() const {
  return http_status == 200 && (status_is("OK") || status_is("Success") ||
                                status_is("Publish Timeout") || status_is("PUBLISH_TIMEOUT"));
}

std::string LoadReply::describe() const {
  std::string out = "HTTP " + std::to_string(http_status);
  if (!status.empty()) {
    out += ", Status " + status;
  }
  if (!message.empty()) {
    out += ": " + message;
  } else if (!parsed && !body.empty()) {
    out += ": " + body.substr(0, 300);
  }
  if (!error_url.empty()) {
    out += " (rejected rows: " + error_url + ")";
  }
  return out;
}

LoadReply parse_reply(int http_status, const std::string& body) {
  LoadReply r;
  r.http_status = http_status;
  r.body = body;
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) {
    return r;
  }
  r.parsed = true;
  r.status = string_of(d, "Status");
  r.message = d.HasMember("Message") ? string_of(d, "Message") : std::string();
  if (r.message.empty()) {
    r.message = string_of(d, "msg");
    if (r.message == "Success") {
      r.message.clear();
    }
  }
  r.existing_job_status = string_of(d, "ExistingJobStatus");
  r.state = string_of(d, "state");
  if (const rapidjson::Value* v = member(d, "TxnId"); v != nullptr && v->IsInt64()) {
    r.txn_id = v->GetInt64();
  }
  r.loaded_rows = uint_of(d, "NumberLoadedRows");
  r.filtered_rows = uint_of(d, "NumberFilteredRows");
  r.error_url = string_of(d, "ErrorURL");
  return r;
}

}  // namespace starcdc::starrocks
