// debezium-json: Debezium change events as Kafka Connect's JsonConverter writes them, with
// (schemas.enable=true) or without the {"schema": ..., "payload": ...} wrapper.
// https://debezium.io/documentation/reference/stable/connectors/mysql.html#mysql-events
#include <charconv>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "sources/kafka/formats/debezium_schema.hpp"
#include "sources/kafka/formats/decoder_core.hpp"
#include "sources/kafka/formats/decoders.hpp"

namespace starcdc::kafka {
namespace {

constexpr size_t kMaxCachedSchemas = 256;

struct CachedSchema {
  std::string raw;  // the schema's JSON text exactly as it came
  DbzSchema schema;
};

// One top-level member of a JSON object, found without parsing its value.
struct Member {
  std::string_view key;
  char* value = nullptr;
};

// Reads `"key":` at p (a plain key without escapes); returns the value's start or nullptr.
char* read_key(char* p, char* end, std::string_view& key) {
  if (p >= end || *p != '"') {
    return nullptr;
  }
  char* q = p + 1;
  while (q < end && *q != '"' && *q != '\\') {
    ++q;
  }
  if (q >= end || *q != '"') {
    return nullptr;
  }
  key = std::string_view(p + 1, static_cast<size_t>(q - p - 1));
  q = const_cast<char*>(skip_json_space(q + 1, end));
  if (q >= end || *q != ':') {
    return nullptr;
  }
  return const_cast<char*>(skip_json_space(q + 1, end));
}

int64_t integer_of(const JsonNode& n, bool& ok) {
  int64_t v = 0;
  const auto r = std::from_chars(n.text, n.text + n.size, v);
  ok = n.type == JsonType::Number && r.ec == std::errc() && r.ptr == n.text + n.size;
  return v;
}

class DebeziumDecoder final : public MessageDecoder, DecoderCore {
 public:
  explicit DebeziumDecoder(DecoderOptions options)
      : DecoderCore("debezium-json"), options_(std::move(options)) {}

  Result<const DecodedMessage*> decode(std::string_view topic, std::string_view key,
                                       std::span<char> value) override;

 private:
  // Finds (or reads and caches) the schema whose text starts at `v`; sets `v_end`.
  std::optional<Error> schema_at(char* v, char* end, char*& v_end, const DbzSchema*& out);
  std::optional<Error> read_primary_key(std::string_view key);
  std::optional<Error> read_payload(std::string_view base, const DbzSchema* schema);
  bool convert(const DbzField& f, uint32_t n, Value& out, std::string& why);
  bool decimal(std::string_view base64, int32_t scale, Value& out, std::string& why);

  DecoderOptions options_;
  std::unordered_map<std::string, std::unique_ptr<CachedSchema>, TextHash, std::equal_to<>>
      schemas_;
  const CachedSchema* last_ = nullptr;
  std::vector<char> schema_text_;
  JsonTape schema_tape_;
  // The key: its schema text when it had one, and the key column names it gave.
  std::vector<char> key_text_;
  JsonTape key_tape_;
  std::string key_schema_raw_;
  std::vector<std::string> key_names_;
  std::string decimal_text_;
};

std::optional<Error> DebeziumDecoder::schema_at(char* v, char* end, char*& v_end,
                                                const DbzSchema*& out) {
  out = nullptr;
  if (last_ != nullptr && static_cast<size_t>(end - v) >= last_->raw.size() &&
      std::memcmp(v, last_->raw.data(), last_->raw.size()) == 0) {
    // An object's text is self-delimiting: the same bytes are the same schema.
    v_end = v + last_->raw.size();
    out = &last_->schema;
    return std::nullopt;
  }
  v_end = const_cast<char*>(skip_json_value(v, end));
  if (v_end == nullptr) {
    return data_error("$.schema: the message ends inside the schema");
  }
  const std::string_view raw(v, static_cast<size_t>(v_end - v));
  if (raw == "null") {
    return std::nullopt;
  }
  if (auto it = schemas_.find(raw); it != schemas_.end()) {
    last_ = it->second.get();
    out = &last_->schema;
    return std::nullopt;
  }
  schema_text_.assign(raw.begin(), raw.end());
  schema_text_.resize(raw.size() + JsonTape::kPadding, '\0');
  if (!schema_tape_.parse(schema_text_.data(), raw.size())) {
    return parse_error(schema_tape_, "$.schema");
  }
  auto cached = std::make_unique<CachedSchema>();
  cached->raw = raw;
  std::string error;
  if (!read_debezium_schema(schema_tape_, 0, cached->schema, error)) {
    return data_error("$.schema: " + error);
  }
  if (schemas_.size() >= kMaxCachedSchemas) {
    schemas_.clear();
  }
  last_ = cached.get();
  out = &last_->schema;
  std::string_view stored = cached->raw;
  schemas_.emplace(std::string(stored), std::move(cached));
  return std::nullopt;
}

std::optional<Error> DebeziumDecoder::read_primary_key(std::string_view key) {
  if (key.empty()) {
    set_names(msg_.primary_key, options_.primary_key);
    return std::nullopt;
  }
  key_text_.assign(key.begin(), key.end());
  key_text_.resize(key.size() + JsonTape::kPadding, '\0');
  char* p = key_text_.data();
  char* end = p + key.size();
  p = const_cast<char*>(skip_json_space(p, end));
  if (p >= end || *p != '{') {
    set_names(msg_.primary_key, options_.primary_key);  // a primitive key names no column
    return std::nullopt;
  }
  std::string_view first;
  char* v = read_key(const_cast<char*>(skip_json_space(p + 1, end)), end, first);
  if (v != nullptr && (first == "schema" || first == "payload")) {
    // {"schema": {...}, "payload": {...}}: the names come from the schema when there is one.
    char* m = v;
    std::string_view name = first;
    uint32_t payload = JsonTape::kNone;
    while (m != nullptr) {
      char* m_end = const_cast<char*>(skip_json_value(m, end));
      if (m_end == nullptr) {
        return data_error("key: the message key ends inside " + std::string(name));
      }
      const std::string_view raw(m, static_cast<size_t>(m_end - m));
      if (name == "schema" && raw != "null") {
        if (raw != key_schema_raw_) {
          key_schema_raw_ = raw;
          if (!key_tape_.parse(m, raw.size(), true) || !read_key_schema(key_tape_, 0, key_names_)) {
            key_schema_raw_.clear();
            return data_error("key.schema: not a Connect struct schema");
          }
        }
        set_names(msg_.primary_key, key_names_);
        return std::nullopt;
      }
      if (name == "payload") {
        payload = 0;
        if (!key_tape_.parse(m, raw.size(), true)) {
          return parse_error(key_tape_, "key.payload");
        }
        break;
      }
      char* q = const_cast<char*>(skip_json_space(m_end, end));
      if (q >= end || *q != ',') {
        break;
      }
      m = read_key(const_cast<char*>(skip_json_space(q + 1, end)), end, name);
    }
    if (payload == JsonTape::kNone || key_tape_[0].type != JsonType::Object) {
      set_names(msg_.primary_key, options_.primary_key);
      return std::nullopt;
    }
  } else if (!key_tape_.parse(p, static_cast<size_t>(end - p))) {
    return parse_error(key_tape_, "key");
  }
  msg_.primary_key.resize(key_tape_[0].size);
  size_t i = 0;
  for (uint32_t k = JsonTape::first(0); k < key_tape_[0].end; k = key_tape_.next(k + 1)) {
    msg_.primary_key[i++].assign(key_tape_[k].str());
  }
  return std::nullopt;
}

bool DebeziumDecoder::decimal(std::string_view base64, int32_t scale, Value& out,
                              std::string& why) {
  char* bytes = arena_.allocate(base64_max_decoded(base64));
  size_t n = 0;
  if (!base64_decode(base64, bytes, n)) {
    why = "the decimal's unscaled bytes are not valid base64";
    return false;
  }
  unscaled_to_decimal(std::string_view(bytes, n), scale, decimal_text_);
  out = Value::decimal(arena_.copy(decimal_text_));
  return true;
}

bool DebeziumDecoder::convert(const DbzField& f, uint32_t n, Value& out, std::string& why) {
  const JsonNode& node = tape_[n];
  if (node.type == JsonType::Null) {
    out = Value::null();
    return true;
  }
  const auto need = [&](JsonType t, const char* what) {
    if (node.type == t) {
      return true;
    }
    why = std::string("expected ") + what + ", got " + json_type_name(node.type);
    return false;
  };
  bool ok = false;
  int64_t x = 0;
  // A number of `per_second` units a second as microseconds; false when out of range.
  const auto micros = [&](int64_t per_second) {
    if (!need(JsonType::Number, "an integer")) {
      return false;
    }
    x = integer_of(node, ok);
    constexpr int64_t kLimit = INT64_MAX / 1000;
    if (!ok || (per_second == 1000 && (x > kLimit || x < -kLimit))) {
      why = "'" + std::string(node.str().substr(0, 64)) + "' is not a time in range";
      return false;
    }
    x = per_second == 1000 ? x * 1000 : per_second == 1'000'000 ? x : x / 1000;
    return true;
  };
  switch (f.kind) {
    case DbzKind::Bool:
      if (node.type != JsonType::True && node.type != JsonType::False) {
        return need(JsonType::True, "a boolean");
      }
      out = Value::boolean(node.type == JsonType::True);
      return true;
    case DbzKind::Int:
      return to_value(n, ColumnType{TypeClass::Int}, BytesText::Base64, out, why);
    case DbzKind::Float:
      if (node.type == JsonType::String) {
        // JsonConverter writes NaN and infinities as strings.
        const std::string_view s = node.str();
        if (s == "NaN" || s == "Infinity" || s == "-Infinity") {
          out = Value::float64(s == "NaN"        ? std::numeric_limits<double>::quiet_NaN()
                               : s == "Infinity" ? std::numeric_limits<double>::infinity()
                                                 : -std::numeric_limits<double>::infinity());
          return true;
        }
      }
      return to_value(n, ColumnType{TypeClass::Double}, BytesText::Base64, out, why);
    case DbzKind::String:
      return to_value(n, ColumnType{TypeClass::String}, BytesText::Base64, out, why);
    case DbzKind::Bytes:
      return to_value(n, ColumnType{TypeClass::Bytes}, BytesText::Base64, out, why);
    case DbzKind::Json:
    case DbzKind::Struct:
      return to_value(n, ColumnType{TypeClass::Json}, BytesText::Base64, out, why);
    case DbzKind::Date:
      if (!need(JsonType::Number, "a number of days")) {
        return false;
      }
      x = integer_of(node, ok);
      if (!ok || x > 3'000'000 || x < -3'000'000) {
        why = "'" + std::string(node.str().substr(0, 64)) + "' is not a day number in range";
        return false;
      }
      out = Value::temporal(ValueKind::Date, x, 0);
      return true;
    case DbzKind::TimeMillis:
    case DbzKind::TimeMicros:
    case DbzKind::TimeNanos:
    case DbzKind::TsMillis:
    case DbzKind::TsMicros:
    case DbzKind::TsNanos: {
      const bool time = f.kind == DbzKind::TimeMillis || f.kind == DbzKind::TimeMicros ||
                        f.kind == DbzKind::TimeNanos;
      const int64_t per_second = f.kind == DbzKind::TimeMillis || f.kind == DbzKind::TsMillis ? 1000
                                 : f.kind == DbzKind::TimeMicros || f.kind == DbzKind::TsMicros
                                     ? 1'000'000
                                     : 1'000'000'000;
      if (!micros(per_second)) {
        return false;
      }
      out = Value::temporal(time ? ValueKind::Time : ValueKind::DateTime, x, f.fraction);
      return true;
    }
    case DbzKind::Zoned: {
      if (!need(JsonType::String, "an ISO-8601 timestamp string")) {
        return false;
      }
      uint8_t scale = 0;
      if (parse_datetime(node.str(), x, scale) != TemporalParse::Ok) {
        why = "'" + std::string(node.str().substr(0, 64)) + "' is not an ISO-8601 timestamp";
        return false;
      }
      out = Value::temporal(ValueKind::Timestamp, x, f.fraction);
      return true;
    }
    case DbzKind::Decimal:
      if (node.type == JsonType::Number) {
        return to_value(n, ColumnType{TypeClass::Decimal}, BytesText::Base64, out, why);
      }
      if (!need(JsonType::String, "base64 unscaled bytes")) {
        return false;
      }
      return decimal(node.str(), f.scale, out, why);
    case DbzKind::VarDecimal: {
      if (!need(JsonType::Object, "an object {\"scale\", \"value\"}")) {
        return false;
      }
      const uint32_t s = tape_.find(n, "scale");
      const uint32_t v = tape_.find(n, "value");
      x = s == JsonTape::kNone ? 0 : integer_of(tape_[s], ok);
      if (s == JsonTape::kNone || !ok || x < -100 || x > 100 || v == JsonTape::kNone ||
          tape_[v].type != JsonType::String) {
        why = "a variable scale decimal needs an integer \"scale\" and a base64 \"value\"";
        return false;
      }
      return decimal(tape_[v].str(), static_cast<int32_t>(x), out, why);
    }
    case DbzKind::Bits: {
      if (!to_value(n, ColumnType{TypeClass::Bytes}, BytesText::Base64, out, why)) {
        return false;
      }
      if (out.size <= 8) {
        // Little-endian bytes (the Bits semantic type): the unsigned number they make.
        uint64_t u = 0;
        for (uint32_t i = out.size; i-- > 0;) {
          u = (u << 8) | static_cast<unsigned char>(out.p[i]);
        }
        out = Value::uint64(u);
      }
      return true;
    }
  }
  return false;
}

std::optional<Error> DebeziumDecoder::read_payload(std::string_view base, const DbzSchema* schema) {
  const JsonTape& t = tape_;
  if (t[0].type == JsonType::Null) {
    skip("tombstone (null payload)");
    return std::nullopt;
  }
  if (t[0].type != JsonType::Object) {
    return data_error(std::string(base) + ": expected an object, got " + json_type_name(t[0].type));
  }
  const uint32_t op = t.find(0, "op");
  const uint32_t source = t.find(0, "source");
  if (source != JsonTape::kNone && t[source].type == JsonType::Object) {
    const uint32_t db = t.find(source, "db");
    const uint32_t table = t.find(source, "table");
    if (db != JsonTape::kNone && t[db].type == JsonType::String) {
      msg_.table.database.assign(t[db].str());
    }
    if (table != JsonTape::kNone && t[table].type == JsonType::String) {
      msg_.table.table.assign(t[table].str());
    }
    const uint32_t ts = t.find(source, "ts_ms");
    bool ok = false;
    if (ts != JsonTape::kNone) {
      const int64_t ms = integer_of(t[ts], ok);
      msg_.commit_ms = ok ? ms : 0;
    }
  }
  if (op == JsonTape::kNone) {
    const uint32_t ddl = t.find(0, "ddl");
    if (ddl != JsonTape::kNone && t[ddl].type == JsonType::String) {
      // A schema change event (the topic named after topic.prefix).
      msg_.kind = DecodedMessage::Kind::Ddl;
      msg_.ddl.assign(t[ddl].str());
      const uint32_t db = t.find(0, "databaseName");
      if (db != JsonTape::kNone && t[db].type == JsonType::String) {
        msg_.table.database.assign(t[db].str());
      }
      return std::nullopt;
    }
    skip("no op: a heartbeat or another message without a row change");
    return std::nullopt;
  }
  const std::string_view o = t[op].type == JsonType::String ? t[op].str() : std::string_view();
  if (o.size() != 1 || std::string_view("crudtm").find(o[0]) == std::string_view::npos) {
    return data_error(std::string(base) + ".op: expected one of c, r, u, d, t, m");
  }
  if (o == "m") {
    skip("a logical decoding message (op m)");
    return std::nullopt;
  }
  if (source == JsonTape::kNone || t[source].type != JsonType::Object ||
      msg_.table.database.empty() || msg_.table.table.empty()) {
    return data_error(std::string(base) + ".source: missing, or without db and table");
  }
  if (o == "t") {
    msg_.kind = DecodedMessage::Kind::Truncate;
    return std::nullopt;
  }
  uint32_t cursor = 0;
  const auto convert_field = [&](std::string_view name, uint32_t n, Value& out, std::string& why) {
    if (schema == nullptr) {
      return to_value(n, ColumnType{}, BytesText::Base64, out, why);
    }
    // Payload fields come in schema order: try the next one before the lookup.
    uint32_t i = cursor;
    if (i >= schema->fields.size() || schema->fields[i].name != name) {
      const auto it = schema->by_name.find(name);
      if (it == schema->by_name.end()) {
        return to_value(n, ColumnType{}, BytesText::Base64, out, why);
      }
      i = it->second;
    }
    cursor = i + 1;
    return convert(schema->fields[i], n, out, why);
  };
  const uint32_t before = t.find(0, "before");
  const uint32_t after = t.find(0, "after");
  const auto present = [&](uint32_t n) {
    return n != JsonTape::kNone && t[n].type != JsonType::Null;
  };
  Range b{0, 0};
  Range a{0, 0};
  JsonPath path{base, "before"};
  if ((o == "u" || o == "d") && present(before)) {
    cursor = 0;
    if (auto e = add_image(before, JsonTape::kNone, convert_field, path, b)) {
      return e;
    }
  }
  path.member = "after";
  if (o != "d") {
    if (!present(after)) {
      return data_error(std::string(base) + ".after: missing for op " + std::string(o));
    }
    cursor = 0;
    if (auto e = add_image(after, JsonTape::kNone, convert_field, path, a)) {
      return e;
    }
  }
  switch (o[0]) {
    case 'c':
      add_row(Op::Insert, b, a);
      break;
    case 'r':
      add_row(Op::Read, b, a);
      break;
    case 'u':
      if (b.first == b.second) {
        add_row(Op::Update, b, a);
      } else {
        add_update(b, a);
      }
      break;
    default:
      if (!present(before)) {
        return data_error(std::string(base) + ".before: a delete without its row");
      }
      add_row(Op::Delete, b, a);
      break;
  }
  finish();
  return std::nullopt;
}

Result<const DecodedMessage*> DebeziumDecoder::decode(std::string_view, std::string_view key,
                                                      std::span<char> value) {
  char* text = begin(value);
  char* end = text + value.size();
  msg_.table.database.clear();
  msg_.table.table.clear();
  char* p = const_cast<char*>(skip_json_space(text, end));
  if (p == end || (std::string_view(p, static_cast<size_t>(end - p)).starts_with("null") &&
                   skip_json_space(p + 4, end) == end)) {
    msg_.declared.clear();
    msg_.primary_key.clear();
    return skip("tombstone");
  }
  if (auto e = read_primary_key(key)) {
    return *e;
  }
  std::string_view name;
  char* v =
      *p == '{' ? read_key(const_cast<char*>(skip_json_space(p + 1, end)), end, name) : nullptr;
  const DbzSchema* schema = nullptr;
  std::string_view base = "$";
  if (v == nullptr || (name != "schema" && name != "payload")) {
    if (options_.require_schema) {
      return data_error(
          "$: no {\"schema\", \"payload\"} wrapper (the converter needs "
          "schemas.enable=true, or the decoder must not require a schema)");
    }
    if (!tape_.parse(text, value.size())) {
      return parse_error(tape_, "$");
    }
  } else {
    base = "$.payload";
    bool payload = false;
    while (true) {
      char* v_end = nullptr;
      if (name == "schema") {
        if (auto e = schema_at(v, end, v_end, schema)) {
          return *e;
        }
      } else if (name == "payload") {
        if (!tape_.parse(v, static_cast<size_t>(end - v), true)) {
          return data_error("$.payload: not JSON: " + tape_.error() + " at byte " +
                            std::to_string(static_cast<size_t>(v - text) + tape_.error_offset()));
        }
        v_end = v + tape_.consumed();
        payload = true;
      } else {
        v_end = const_cast<char*>(skip_json_value(v, end));
        if (v_end == nullptr) {
          return data_error("$." + std::string(name) + ": the message ends inside it");
        }
      }
      char* q = const_cast<char*>(skip_json_space(v_end, end));
      if (q < end && *q == '}') {
        if (skip_json_space(q + 1, end) != end) {
          return data_error("$: text after the end of the JSON object");
        }
        break;
      }
      if (q >= end || *q != ',') {
        return data_error("$: expected ',' or '}' at byte " + std::to_string(q - text));
      }
      v = read_key(const_cast<char*>(skip_json_space(q + 1, end)), end, name);
      if (v == nullptr) {
        return data_error("$: expected a member name at byte " + std::to_string(q + 1 - text));
      }
    }
    if (!payload) {
      return data_error("$.payload: missing");
    }
    if (schema == nullptr && options_.require_schema) {
      return data_error("$.schema: missing or null");
    }
  }
  if (schema != nullptr) {
    msg_.declared = schema->declared;
  } else {
    msg_.declared.clear();
  }
  if (auto e = read_payload(base, schema)) {
    return *e;
  }
  return &msg_;
}

}  // namespace

std::unique_ptr<MessageDecoder> make_debezium_decoder(const DecoderOptions& options) {
  return std::make_unique<DebeziumDecoder>(options);
}

}  // namespace starcdc::kafka
