// json: one JSON object per message, one row; the columns are its members. An optional
// operation field (DecoderOptions::op_field) makes a row a delete; the table comes from a
// field or the topic name.
#include <array>

#include "sources/kafka/formats/decoder_core.hpp"
#include "sources/kafka/formats/decoders.hpp"

namespace starcdc::kafka {
namespace {

enum class JsonOp : uint8_t { Insert, Read, Update, Delete, Skip, Bad };

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (l(a[i]) != l(b[i])) {
      return false;
    }
  }
  return true;
}

// The operation names accepted, case-insensitive: Debezium's letters, SQL words, Flink's row
// kinds, and StarRocks' __op (0 upsert, 1 delete).
JsonOp op_from(std::string_view s) {
  struct Name {
    std::string_view name;
    JsonOp op;
  };
  static constexpr std::array<Name, 17> kNames = {{
      {"c", JsonOp::Insert},
      {"insert", JsonOp::Insert},
      {"create", JsonOp::Insert},
      {"+I", JsonOp::Insert},
      {"upsert", JsonOp::Insert},
      {"0", JsonOp::Insert},
      {"r", JsonOp::Read},
      {"read", JsonOp::Read},
      {"u", JsonOp::Update},
      {"update", JsonOp::Update},
      {"+U", JsonOp::Update},
      {"d", JsonOp::Delete},
      {"delete", JsonOp::Delete},
      {"-D", JsonOp::Delete},
      {"1", JsonOp::Delete},
      {"-U", JsonOp::Skip},
      {"", JsonOp::Insert},
  }};
  for (const Name& n : kNames) {
    if (iequals(s, n.name)) {
      return n.op;
    }
  }
  return JsonOp::Bad;
}

class PlainJsonDecoder final : public MessageDecoder, DecoderCore {
 public:
  explicit PlainJsonDecoder(DecoderOptions options)
      : DecoderCore("json"), options_(std::move(options)) {
    for (const std::string* f :
         {&options_.op_field, &options_.table_field, &options_.database_field}) {
      if (!f->empty()) {
        exclude_.push_back(*f);
      }
    }
  }

  Result<const DecodedMessage*> decode(std::string_view topic, std::string_view,
                                       std::span<char> value) override {
    char* text = begin(value);
    const char* end = text + value.size();
    msg_.declared.clear();
    set_names(msg_.primary_key, options_.primary_key);
    if (skip_json_space(text, end) == end) {
      return skip("tombstone");
    }
    if (!tape_.parse(text, value.size())) {
      return parse_error(tape_, "$");
    }
    if (tape_[0].type != JsonType::Object) {
      return data_error(std::string("$: expected an object, got ") + json_type_name(tape_[0].type));
    }
    if (auto e = name_from(options_.table_field, topic, msg_.table.table)) {
      return *e;
    }
    if (auto e = name_from(options_.database_field, options_.database, msg_.table.database)) {
      return *e;
    }
    JsonOp op = JsonOp::Insert;
    if (!options_.op_field.empty()) {
      const uint32_t n = tape_.find(0, options_.op_field);
      if (n != JsonTape::kNone && tape_[n].type != JsonType::Null) {
        const bool text_op = tape_[n].type == JsonType::String || tape_[n].type == JsonType::Number;
        op = text_op ? op_from(tape_[n].str()) : JsonOp::Bad;
        if (op == JsonOp::Bad) {
          return data_error("$." + options_.op_field +
                            ": not an operation (c/r/u/d, insert/update/delete/upsert, "
                            "+I/+U/-U/-D, 0 = upsert, 1 = delete)");
        }
      }
    }
    if (op == JsonOp::Skip) {
      return skip("an update's before image (-U)");
    }
    Range image{0, 0};
    const auto convert = [this](std::string_view, uint32_t n, Value& out, std::string& why) {
      return to_value(n, ColumnType{}, BytesText::Base64, out, why);
    };
    if (auto e = add_image(0, JsonTape::kNone, convert, JsonPath{"$"}, image, exclude_)) {
      return *e;
    }
    switch (op) {
      case JsonOp::Delete:
        add_row(Op::Delete, image, {0, 0});
        break;
      case JsonOp::Update:
        add_row(Op::Update, {0, 0}, image);
        break;
      case JsonOp::Read:
        add_row(Op::Read, {0, 0}, image);
        break;
      default:
        add_row(Op::Insert, {0, 0}, image);
        break;
    }
    return finish();
  }

 private:
  // The name in string field `field` of the message, or `fallback` when no field is set.
  std::optional<Error> name_from(const std::string& field, std::string_view fallback,
                                 std::string& out) {
    if (field.empty()) {
      out.assign(fallback);
      return std::nullopt;
    }
    const uint32_t n = tape_.find(0, field);
    if (n == JsonTape::kNone || tape_[n].type != JsonType::String || tape_[n].size == 0) {
      return data_error("$." + field + ": missing or not a string (it names the table)");
    }
    out.assign(tape_[n].str());
    return std::nullopt;
  }

  DecoderOptions options_;
  std::vector<std::string_view> exclude_;
};

}  // namespace

std::unique_ptr<MessageDecoder> make_plain_json_decoder(const DecoderOptions& options) {
  return std::make_unique<PlainJsonDecoder>(options);
}

}  // namespace starcdc::kafka
