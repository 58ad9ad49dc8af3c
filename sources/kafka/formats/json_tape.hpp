// JsonTape: one JSON text parsed in place into a flat array of nodes (a "tape"). Strings are
// unescaped inside the text's own bytes, so node texts are views into it; numbers keep their
// text (exact decimals, integers of any size). Parsing reuses the node array and the parser's
// stack, so a steady stream of similar messages parses without heap allocation.
// Thread: any (one instance per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace starcdc::kafka {

enum class JsonType : uint8_t { Null, False, True, Number, String, Object, Array };

const char* json_type_name(JsonType t);

struct JsonNode {
  JsonType type = JsonType::Null;
  uint32_t size = 0;           // text bytes (Number, String) or members/elements (Object, Array)
  uint32_t end = 0;            // index one past this node's subtree
  const char* text = nullptr;  // Number, String: the (unescaped) text, not NUL-terminated
  std::string_view str() const { return {text, size}; }
};

// An object's members are laid out as key node (String), value subtree, key, value, ...
// An array's elements follow it one subtree after the other.
class JsonTape {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr size_t kMaxDepth = 64;
  static constexpr size_t kPadding = 4;

  JsonTape();
  ~JsonTape();
  JsonTape(const JsonTape&) = delete;
  JsonTape& operator=(const JsonTape&) = delete;

  // Parses one JSON value starting at `text`, which must be followed by kPadding NUL bytes
  // (text[length .. length + kPadding - 1] == 0: RapidJSON's UTF-8 check reads up to three
  // bytes past a truncated sequence) and stays valid while the nodes are used. When
  // `stop_when_done`, parsing ends after the first complete value and consumed() says where; else
  // anything but whitespace after it is an error. On error returns false and error() /
  // error_offset() describe it.
  bool parse(char* text, size_t length, bool stop_when_done = false);
  size_t consumed() const { return consumed_; }
  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

  const JsonNode& operator[](uint32_t i) const { return nodes_[i]; }
  uint32_t size() const { return count_; }
  // The value of member `key` of object node `object`, or kNone.
  uint32_t find(uint32_t object, std::string_view key) const;
  // First child (first key of an object, first element of an array); next sibling subtree.
  static uint32_t first(uint32_t node) { return node + 1; }
  uint32_t next(uint32_t node) const { return nodes_[node].end; }

  // Appends node `i` as compact JSON text (strings escaped again).
  void write(uint32_t i, std::string& out) const;

 private:
  friend struct TapeHandler;
  // nodes_[0, count_) are this parse's; the array only grows (an index store per node instead
  // of a push_back call: a tenth of a message's decode).
  std::vector<JsonNode> nodes_;
  uint32_t count_ = 0;
  std::vector<uint32_t> open_;  // containers being filled
  struct Parser;
  std::unique_ptr<Parser> parser_;
  size_t consumed_ = 0;
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace starcdc::kafka
