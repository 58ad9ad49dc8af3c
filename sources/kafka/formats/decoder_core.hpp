// DecoderCore: what every format decoder keeps between messages (the message copy, the parsed
// tape, the fields of the row images, an arena for values that are not views into the message)
// and the conversions they share. Thread: the owning decoder's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/common/arena.hpp"
#include "pipeline/common/error.hpp"
#include "sources/kafka/formats/json_tape.hpp"
#include "sources/kafka/formats/message.hpp"
#include "sources/kafka/formats/value_text.hpp"

namespace starcdc::kafka {

// Hashes std::string keys and std::string_view lookups alike (heterogeneous lookup).
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// How Bytes columns are written as JSON strings.
enum class BytesText : uint8_t {
  Base64,  // Debezium (binary.handling.mode=bytes), Maxwell
  Latin1,  // Canal: each byte one ISO-8859-1 character (so U+0000..U+00FF in UTF-8)
};

// A path inside the message, built only when an error needs it.
struct JsonPath {
  explicit JsonPath(std::string_view b, std::string_view m = {}, int64_t i = -1)
      : base(b), member(m), index(i) {}
  std::string_view base;    // "$.payload" or "$"
  std::string_view member;  // "after"
  int64_t index = -1;       // data[index] when >= 0
  std::string_view field;   // "price"
  std::string str() const;
};

class DecoderCore {
 protected:
  // The text of member `key` of object node `obj`, or "" when it is absent or not a string.
  std::string_view string_member(uint32_t obj, std::string_view key) const {
    const uint32_t n = tape_.find(obj, key);
    return n != JsonTape::kNone && tape_[n].type == JsonType::String ? tape_[n].str()
                                                                     : std::string_view();
  }
  using Range = std::pair<uint32_t, uint32_t>;  // [begin, end) of fields_

  explicit DecoderCore(const char* format) : format_(format) {}

  // Starts a message: clears the result but `declared` and `primary_key` (keeping capacities), the
  // fields and the arena, and copies `value` into the NUL-terminated buffer the tape parses in
  // place.
  char* begin(std::span<const char> value);
  Error data_error(const std::string& what) const;
  Error path_error(const JsonPath& path, const std::string& what) const;
  Error parse_error(const JsonTape& tape, std::string_view base) const;
  // Parses `text` as one JSON object with a string member "type", and takes the table from its
  // "database" and "table" members (Canal's and Maxwell's envelopes). On success sets `type`.
  std::optional<Error> read_envelope(char* text, size_t length, std::string_view& type);

  // Appends the members of object node `obj` as fields, each value converted by
  // `convert(name, node, value, why)` (false = bad value, `why` says how); sets `range`. Fields not
  // in `overlay` (an object node or kNone) come from `obj`; a key present in the overlay replaces
  // the value (a null included).
  template <typename Convert>
  std::optional<Error> add_image(uint32_t obj, uint32_t overlay, Convert&& convert, JsonPath path,
                                 Range& range, std::span<const std::string_view> exclude = {});

  // Converts JSON node `n` for a column of type `t`; false with `why` set on bad input.
  bool to_value(uint32_t n, ColumnType t, BytesText bytes, Value& out, std::string& why);
  // Assigns `src` over `dst` reusing the strings already there.
  static void set_names(std::vector<std::string>& dst, std::span<const std::string> src);
  // Stores a row; its spans are fixed in finish() (fields_ may still grow).
  void add_row(Op op, Range before, Range after);
  // Splits an update whose key columns changed into a delete and an insert.
  void add_update(Range before, Range after);
  const DecodedMessage* finish();
  const DecodedMessage* skip(std::string_view reason);

  const char* format_;
  DecodedMessage msg_;
  std::vector<char> buffer_;
  JsonTape tape_;
  Arena arena_;
  std::vector<Field> fields_;
  struct PendingRow {
    Op op;
    Range before, after;
  };
  std::vector<PendingRow> pending_;
  std::string scratch_;
};

template <typename Convert>
std::optional<Error> DecoderCore::add_image(uint32_t obj, uint32_t overlay, Convert&& convert,
                                            JsonPath path, Range& range,
                                            std::span<const std::string_view> exclude) {
  const JsonTape& t = tape_;
  if (t[obj].type != JsonType::Object) {
    return path_error(path, std::string("expected an object, got ") + json_type_name(t[obj].type));
  }
  const bool has_overlay = overlay != JsonTape::kNone && t[overlay].type != JsonType::Null;
  if (has_overlay && t[overlay].type != JsonType::Object) {
    return path_error(path, std::string("the old values are ") + json_type_name(t[overlay].type) +
                                ", expected an object");
  }
  range.first = static_cast<uint32_t>(fields_.size());
  for (uint32_t k = JsonTape::first(obj); k < t[obj].end; k = t.next(k + 1)) {
    const std::string_view name = t[k].str();
    bool excluded = false;
    for (const std::string_view x : exclude) {
      excluded = excluded || x == name;
    }
    if (excluded) {
      continue;
    }
    uint32_t v = k + 1;
    if (has_overlay) {
      const uint32_t o = t.find(overlay, name);
      if (o != JsonTape::kNone) {
        v = o;
      }
    }
    Field f{name, Value()};
    std::string why;
    if (!convert(name, v, f.value, why)) {
      path.field = name;
      return path_error(path, why);
    }
    fields_.push_back(f);
  }
  range.second = static_cast<uint32_t>(fields_.size());
  return std::nullopt;
}

}  // namespace starcdc::kafka
