#include "sources/kafka/formats/json_tape.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstdio>
#include <cstring>

namespace starcdc::kafka {

const char* json_type_name(JsonType t) {
  switch (t) {
    case JsonType::Null:
      return "null";
    case JsonType::False:
    case JsonType::True:
      return "a boolean";
    case JsonType::Number:
      return "a number";
    case JsonType::String:
      return "a string";
    case JsonType::Object:
      return "an object";
    case JsonType::Array:
      return "an array";
  }
  return "?";
}

// The SAX handler: appends one node per event; containers get their size and end when closed.
struct TapeHandler {
  JsonTape& t;

  bool leaf(JsonType type, const char* s, size_t n) {
    const uint32_t at = t.count_;
    if (at == t.nodes_.size()) {
      t.nodes_.resize(t.nodes_.size() * 2 + 64);  // rare: the array is kept between parses
    }
    t.nodes_[at] = JsonNode{type, static_cast<uint32_t>(n), at + 1, s};
    t.count_ = at + 1;
    return true;
  }
  bool Null() { return leaf(JsonType::Null, nullptr, 0); }
  bool Bool(bool b) { return leaf(b ? JsonType::True : JsonType::False, nullptr, 0); }
  // Only RawNumber is called (kParseNumbersAsStringsFlag); these satisfy the concept.
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return leaf(JsonType::Number, s, n);
  }
  bool String(const char* s, rapidjson::SizeType n, bool) { return leaf(JsonType::String, s, n); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return leaf(JsonType::String, s, n); }
  bool open(JsonType type) {
    if (t.open_.size() >= JsonTape::kMaxDepth) {
      return false;  // the reader recurses per level: bound the stack
    }
    t.open_.push_back(t.count_);
    return leaf(type, nullptr, 0);
  }
  bool close(rapidjson::SizeType count) {
    const uint32_t at = t.open_.back();
    t.open_.pop_back();
    t.nodes_[at].size = count;
    t.nodes_[at].end = t.count_;
    return true;
  }
  bool StartObject() { return open(JsonType::Object); }
  bool EndObject(rapidjson::SizeType members) { return close(members); }
  bool StartArray() { return open(JsonType::Array); }
  bool EndArray(rapidjson::SizeType elements) { return close(elements); }
};

namespace {

bool is_ascii(const char* p, size_t n) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    any |= w;
  }
  for (; i < n; ++i) {
    any |= static_cast<unsigned char>(p[i]);
  }
  return (any & 0x8080808080808080ULL) == 0;
}

}  // namespace

struct JsonTape::Parser {
  rapidjson::Reader reader;
};

JsonTape::JsonTape() : parser_(std::make_unique<Parser>()) {}
JsonTape::~JsonTape() = default;

bool JsonTape::parse(char* text, size_t length, bool stop_when_done) {
  count_ = 0;
  open_.clear();
  error_.clear();
  consumed_ = 0;
  // Strings are validated as UTF-8: what we hand on is written into JSON and CSV load bodies.
  // Text that is all ASCII (most messages) is valid UTF-8 as it is, and skips the validation
  // (a tenth of the decode's time).
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  constexpr unsigned kValidate = rapidjson::kParseValidateEncodingFlag;
  constexpr unsigned kStop = rapidjson::kParseStopWhenDoneFlag;
  rapidjson::InsituStringStream in(text);
  TapeHandler h{*this};
  rapidjson::ParseResult r;
  if (is_ascii(text, length)) {
    r = stop_when_done ? parser_->reader.Parse<kFlags | kStop>(in, h)
                       : parser_->reader.Parse<kFlags>(in, h);
  } else {
    r = stop_when_done ? parser_->reader.Parse<kFlags | kValidate | kStop>(in, h)
                       : parser_->reader.Parse<kFlags | kValidate>(in, h);
  }
  consumed_ = in.Tell();
  if (r.IsError()) {
    error_offset_ = r.Offset();
    error_ = r.Code() == rapidjson::kParseErrorTermination
                 ? "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels"
                 : rapidjson::GetParseError_En(r.Code());
    if (error_offset_ >= length) {
      error_ = "the message ends inside the JSON text (" + error_ + ")";
    }
    return false;
  }
  if (consumed_ < length && !stop_when_done) {
    error_offset_ = consumed_;
    error_ = "a NUL byte inside the JSON text";
    return false;
  }
  return true;
}

uint32_t JsonTape::find(uint32_t object, std::string_view key) const {
  const JsonNode& o = nodes_[object];
  if (o.type != JsonType::Object) {
    return kNone;
  }
  for (uint32_t k = object + 1; k < o.end; k = nodes_[k + 1].end) {
    if (nodes_[k].str() == key) {
      return k + 1;
    }
  }
  return kNone;
}

namespace {

void write_escaped(std::string_view s, std::string& out) {
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

void JsonTape::write(uint32_t i, std::string& out) const {
  const JsonNode& n = nodes_[i];
  switch (n.type) {
    case JsonType::Null:
      out.append("null");
      return;
    case JsonType::False:
      out.append("false");
      return;
    case JsonType::True:
      out.append("true");
      return;
    case JsonType::Number:
      out.append(n.str());
      return;
    case JsonType::String:
      write_escaped(n.str(), out);
      return;
    case JsonType::Object: {
      out.push_back('{');
      bool first_member = true;
      for (uint32_t k = i + 1; k < n.end; k = nodes_[k + 1].end) {
        if (!first_member) {
          out.push_back(',');
        }
        first_member = false;
        write_escaped(nodes_[k].str(), out);
        out.push_back(':');
        write(k + 1, out);
      }
      out.push_back('}');
      return;
    }
    case JsonType::Array: {
      out.push_back('[');
      for (uint32_t e = i + 1; e < n.end; e = nodes_[e].end) {
        if (e != i + 1) {
          out.push_back(',');
        }
        write(e, out);
      }
      out.push_back(']');
      return;
    }
  }
}

}  // namespace starcdc::kafka
