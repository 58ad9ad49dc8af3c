// canal-json: Canal's flat messages (canal.mq.flatMessage=true). Every value is a string (or
// null) formatted by Canal from the binlog; mysqlType says how to read it back.
// https://github.com/alibaba/canal/wiki (FlatMessage), Flink's canal-json format.
#include <charconv>

#include "sources/kafka/formats/decoder_core.hpp"
#include "sources/kafka/formats/decoders.hpp"

namespace starcdc::kafka {
namespace {

// Canal's entry types (CanalEntry.EventType) that carry no rows.
constexpr std::string_view kDdlTypes[] = {"CREATE", "ALTER",  "ERASE", "RENAME",
                                          "CINDEX", "DINDEX", "QUERY"};
constexpr std::string_view kSkipTypes[] = {"GTID",       "XACOMMIT", "XAROLLBACK",
                                           "MHEARTBEAT", "BEGIN",    "COMMIT"};

class CanalDecoder final : public MessageDecoder, DecoderCore {
 public:
  explicit CanalDecoder(DecoderOptions options)
      : DecoderCore("canal-json"), options_(std::move(options)) {}

  Result<const DecodedMessage*> decode(std::string_view, std::string_view,
                                       std::span<char> value) override;

 private:
  std::optional<Error> read_types(uint32_t mysql_type);

  DecoderOptions options_;
  std::vector<ColumnType> types_;  // parallel to msg_.declared
};

std::optional<Error> CanalDecoder::read_types(uint32_t mysql_type) {
  size_t n = 0;
  if (mysql_type != JsonTape::kNone && tape_[mysql_type].type == JsonType::Object) {
    msg_.declared.resize(tape_[mysql_type].size);
    types_.resize(tape_[mysql_type].size);
    for (uint32_t k = JsonTape::first(mysql_type); k < tape_[mysql_type].end;
         k = tape_.next(k + 1)) {
      if (tape_[k + 1].type != JsonType::String) {
        return data_error("$.mysqlType." + std::string(tape_[k].str()) + ": expected a string");
      }
      Column& c = msg_.declared[n];
      c.name.assign(tape_[k].str());
      c.type.assign(tape_[k + 1].str());
      c.nullable = true;
      types_[n++] = classify_mysql_type(c.type);
    }
  } else if (mysql_type != JsonTape::kNone && tape_[mysql_type].type != JsonType::Null) {
    return data_error("$.mysqlType: expected an object");
  }
  msg_.declared.resize(n);
  types_.resize(n);
  return std::nullopt;
}

Result<const DecodedMessage*> CanalDecoder::decode(std::string_view, std::string_view,
                                                   std::span<char> value) {
  char* text = begin(value);
  if (skip_json_space(text, text + value.size()) == text + value.size()) {
    msg_.declared.clear();
    msg_.primary_key.clear();
    return skip("tombstone");
  }
  std::string_view type;
  if (auto e = read_envelope(text, value.size(), type)) {
    return *e;
  }
  if (const uint32_t es = tape_.find(0, "es");
      es != JsonTape::kNone && tape_[es].type == JsonType::Number) {
    int64_t ms = 0;
    const auto r = std::from_chars(tape_[es].text, tape_[es].text + tape_[es].size, ms);
    msg_.commit_ms = r.ec == std::errc() ? ms : 0;
  }
  if (auto e = read_types(tape_.find(0, "mysqlType"))) {
    return *e;
  }
  const uint32_t pk = tape_.find(0, "pkNames");
  if (pk != JsonTape::kNone && tape_[pk].type == JsonType::Array && tape_[pk].size > 0) {
    msg_.primary_key.resize(tape_[pk].size);
    size_t i = 0;
    for (uint32_t e = JsonTape::first(pk); e < tape_[pk].end; e = tape_.next(e)) {
      if (tape_[e].type != JsonType::String) {
        return data_error("$.pkNames: expected an array of strings");
      }
      msg_.primary_key[i++].assign(tape_[e].str());
    }
  } else {
    set_names(msg_.primary_key, options_.primary_key);
  }
  const uint32_t is_ddl = tape_.find(0, "isDdl");
  const bool ddl = is_ddl != JsonTape::kNone && tape_[is_ddl].type == JsonType::True;
  if (type == "TRUNCATE") {
    msg_.kind = DecodedMessage::Kind::Truncate;
    msg_.ddl.assign(string_member(0, "sql"));
    return &msg_;
  }
  bool ddl_type = false;
  for (const std::string_view t : kDdlTypes) {
    ddl_type = ddl_type || type == t;
  }
  if (ddl || (ddl_type && type != "QUERY")) {
    msg_.kind = DecodedMessage::Kind::Ddl;
    msg_.ddl.assign(string_member(0, "sql"));
    return &msg_;
  }
  for (const std::string_view t : kSkipTypes) {
    if (type == t) {
      return skip("a " + std::string(type) + " entry");
    }
  }
  if (type == "QUERY") {
    return skip("a QUERY entry that is not DDL");
  }
  Op op = Op::Insert;
  if (type == "INSERT") {
    op = Op::Insert;
  } else if (type == "UPDATE") {
    op = Op::Update;
  } else if (type == "DELETE") {
    op = Op::Delete;
  } else if (type == "INIT") {
    op = Op::Read;  // Alibaba Cloud DTS full-load rows in Canal's format
  } else {
    return data_error("$.type: unknown type \"" + std::string(type.substr(0, 32)) + "\"");
  }
  if (msg_.table.database.empty() || msg_.table.table.empty()) {
    return data_error("$.database, $.table: missing for a row change");
  }
  const uint32_t data = tape_.find(0, "data");
  if (data == JsonTape::kNone || tape_[data].type != JsonType::Array) {
    return data_error("$.data: missing or not an array");
  }
  const uint32_t old = tape_.find(0, "old");
  const bool has_old = old != JsonTape::kNone && tape_[old].type == JsonType::Array;
  if (op == Op::Update && !has_old && old != JsonTape::kNone && tape_[old].type != JsonType::Null) {
    return data_error("$.old: expected an array");
  }
  size_t cursor = 0;
  const auto convert = [&](std::string_view name, uint32_t n, Value& out, std::string& why) {
    // Row objects list the columns in mysqlType's order: try the next one first.
    size_t i = cursor;
    if (i >= types_.size() || msg_.declared[i].name != name) {
      i = 0;
      while (i < types_.size() && msg_.declared[i].name != name) {
        ++i;
      }
    }
    cursor = i + 1;
    const ColumnType t = i < types_.size() ? types_[i] : ColumnType{};
    return to_value(n, t, BytesText::Latin1, out, why);
  };
  uint32_t old_row = has_old ? JsonTape::first(old) : JsonTape::kNone;
  int64_t index = 0;
  for (uint32_t row = JsonTape::first(data); row < tape_[data].end; row = tape_.next(row)) {
    const uint32_t overlay =
        old_row != JsonTape::kNone && old_row < tape_[old].end ? old_row : JsonTape::kNone;
    if (old_row != JsonTape::kNone && old_row < tape_[old].end) {
      old_row = tape_.next(old_row);
    }
    Range image{0, 0};
    cursor = 0;
    if (auto e = add_image(row, JsonTape::kNone, convert, JsonPath{"$", "data", index}, image)) {
      return *e;
    }
    if (op == Op::Update) {
      Range before{0, 0};
      cursor = 0;
      if (auto e = add_image(row, overlay, convert, JsonPath{"$", "old", index}, before)) {
        return *e;
      }
      add_update(before, image);
    } else if (op == Op::Delete) {
      add_row(op, image, {0, 0});
    } else {
      add_row(op, {0, 0}, image);
    }
    ++index;
  }
  return finish();
}

}  // namespace

std::unique_ptr<MessageDecoder> make_canal_decoder(const DecoderOptions& options) {
  return std::make_unique<CanalDecoder>(options);
}

}  // namespace starcdc::kafka
