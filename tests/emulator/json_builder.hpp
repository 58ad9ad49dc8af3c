// A flat JSON object writer for responses, keeping keys in insertion order (StarRocks' reply
// key order). Pretty mode mimics the BE's rapidjson PrettyWriter output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace emu {

void append_json_string(std::string_view s, std::string* out);

class JsonBuilder {
 public:
  explicit JsonBuilder(bool pretty = false) : pretty_(pretty) { out_ = "{"; }
  JsonBuilder& add(std::string_view key, std::string_view value) {
    key_(key);
    append_json_string(value, &out_);
    return *this;
  }
  JsonBuilder& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonBuilder& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  JsonBuilder& add(std::string_view key, int64_t value) {
    key_(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonBuilder& add(std::string_view key, uint64_t value) {
    key_(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonBuilder& add(std::string_view key, bool value) {
    key_(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  JsonBuilder& add_raw(std::string_view key, std::string_view json) {
    key_(key);
    out_ += json;
    return *this;
  }
  std::string str() {
    out_ += pretty_ && !first_ ? "\n}\n" : "}";
    return std::move(out_);
  }

 private:
  void key_(std::string_view key) {
    if (!first_) {
      out_ += ",";
    }
    first_ = false;
    if (pretty_) {
      out_ += "\n    ";
    }
    append_json_string(key, &out_);
    out_ += pretty_ ? ": " : ":";
  }
  bool pretty_;
  bool first_ = true;
  std::string out_;
};

}  // namespace emu
