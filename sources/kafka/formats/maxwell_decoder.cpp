// maxwell-json: Maxwell's daemon output, one row per message; DDL (output_ddl) as table-* and
// database-* messages whose `def` describes the table.
// https://maxwells-daemon.io/dataformat/
#include <charconv>
#include <unordered_map>

#include "sources/kafka/formats/decoder_core.hpp"
#include "sources/kafka/formats/decoders.hpp"

namespace starcdc::kafka {
namespace {

constexpr size_t kMaxTables = 4096;

// A table's shape from its last table-create/table-alter message.
struct TableDef {
  std::vector<Column> columns;
  std::vector<ColumnType> types;
  std::vector<std::string> primary_key;
};

class MaxwellDecoder final : public MessageDecoder, DecoderCore {
 public:
  explicit MaxwellDecoder(DecoderOptions options)
      : DecoderCore("maxwell-json"), options_(std::move(options)) {}

  Result<const DecodedMessage*> decode(std::string_view, std::string_view,
                                       std::span<char> value) override;

 private:
  std::optional<Error> read_def(uint32_t def, TableDef& out);
  const std::string& table_key(std::string_view db, std::string_view table) {
    key_.assign(db);
    key_.push_back('\0');
    key_.append(table);
    return key_;
  }

  DecoderOptions options_;
  std::unordered_map<std::string, TableDef, TextHash, std::equal_to<>> tables_;
  std::string key_;
};

// A column of `def.columns` as a MySQL type: Maxwell keeps the declared type name, says
// "signed": false for unsigned integers, "column-length" for fractional seconds, and
// "enum-values" for ENUM and SET; character lengths and decimal precision are not written.
std::string column_type(const JsonTape& t, uint32_t col, std::string_view type) {
  std::string out(type);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  const uint32_t length = t.find(col, "column-length");
  const bool has_length =
      length != JsonTape::kNone && t[length].type == JsonType::Number && t[length].size <= 6;
  if (out == "enum" || out == "set") {
    const uint32_t values = t.find(col, "enum-values");
    if (values != JsonTape::kNone && t[values].type == JsonType::Array) {
      out += "(";
      for (uint32_t e = JsonTape::first(values); e < t[values].end; e = t.next(e)) {
        out += e == JsonTape::first(values) ? "'" : ",'";
        for (const char c : t[e].str()) {
          out += c == '\'' ? "''" : std::string(1, c);
        }
        out += "'";
      }
      out += ")";
    }
  } else if (out == "char" || out == "varchar") {
    out = "varchar(65533)";
  } else if (out == "decimal" || out == "numeric") {
    out = "decimal(65,30)";  // exact text; Maxwell does not say the precision
  } else if ((out == "datetime" || out == "timestamp" || out == "time" || out == "bit") &&
             has_length) {
    out += "(" + std::string(t[length].str()) + ")";
  } else if (out == "bit") {
    out = "bit(64)";
  }
  const uint32_t is_signed = t.find(col, "signed");
  if (is_signed != JsonTape::kNone && t[is_signed].type == JsonType::False) {
    out += " unsigned";
  }
  return out;
}

std::optional<Error> MaxwellDecoder::read_def(uint32_t def, TableDef& out) {
  const uint32_t columns = tape_.find(def, "columns");
  if (columns == JsonTape::kNone || tape_[columns].type != JsonType::Array) {
    return data_error("$.def.columns: missing or not an array");
  }
  int64_t index = 0;
  for (uint32_t c = JsonTape::first(columns); c < tape_[columns].end; c = tape_.next(c), ++index) {
    const std::string_view name = string_member(c, "name");
    const std::string_view type = string_member(c, "type");
    if (name.empty() || type.empty()) {
      return data_error("$.def.columns[" + std::to_string(index) + "]: needs a name and a type");
    }
    Column col{std::string(name), column_type(tape_, c, type), true};
    const uint32_t nullable = tape_.find(c, "nullable");
    if (nullable != JsonTape::kNone && tape_[nullable].type == JsonType::False) {
      col.nullable = false;
    }
    out.types.push_back(classify_mysql_type(col.type));
    out.columns.push_back(std::move(col));
  }
  const uint32_t pk = tape_.find(def, "primary-key");
  if (pk != JsonTape::kNone && tape_[pk].type == JsonType::Array) {
    for (uint32_t e = JsonTape::first(pk); e < tape_[pk].end; e = tape_.next(e)) {
      if (tape_[e].type != JsonType::String) {
        return data_error("$.def.primary-key: expected an array of strings");
      }
      out.primary_key.emplace_back(tape_[e].str());
    }
  }
  return std::nullopt;
}

Result<const DecodedMessage*> MaxwellDecoder::decode(std::string_view, std::string_view,
                                                     std::span<char> value) {
  char* text = begin(value);
  msg_.declared.clear();
  if (skip_json_space(text, text + value.size()) == text + value.size()) {
    msg_.primary_key.clear();
    return skip("tombstone");
  }
  std::string_view type;
  if (auto e = read_envelope(text, value.size(), type)) {
    return *e;
  }
  const uint32_t ts = tape_.find(0, "ts");
  int64_t ts_value = 0;
  if (ts != JsonTape::kNone && tape_[ts].type == JsonType::Number) {
    const auto r = std::from_chars(tape_[ts].text, tape_[ts].text + tape_[ts].size, ts_value);
    ts_value = r.ec == std::errc() ? ts_value : 0;
  }
  const bool ddl = type.starts_with("table-") || type.starts_with("database-");
  // Row messages carry seconds; DDL messages milliseconds (both as the format page shows).
  constexpr int64_t kMaxSeconds = INT64_MAX / 1000;
  msg_.commit_ms = ddl ? ts_value : (ts_value > kMaxSeconds || ts_value < 0 ? 0 : ts_value * 1000);
  if (type == "bootstrap-start" || type == "bootstrap-complete") {
    msg_.primary_key.clear();
    return skip("a bootstrap " + std::string(type.substr(10)) + " marker");
  }
  if (ddl) {
    msg_.kind = DecodedMessage::Kind::Ddl;
    msg_.ddl.assign(string_member(0, "sql"));
    msg_.primary_key.clear();
    const uint32_t def = tape_.find(0, "def");
    if (type == "table-drop") {
      tables_.erase(table_key(msg_.table.database, msg_.table.table));
    }
    if (def == JsonTape::kNone || tape_[def].type != JsonType::Object ||
        type.starts_with("database-")) {
      return &msg_;
    }
    // The table the def describes (a rename names the new one there).
    const std::string_view db = string_member(def, "database");
    const std::string_view table = string_member(def, "table");
    if (!db.empty() && !table.empty()) {
      msg_.table.database.assign(db);
      msg_.table.table.assign(table);
    }
    TableDef parsed;
    if (auto e = read_def(def, parsed)) {
      return *e;
    }
    msg_.declared = parsed.columns;
    msg_.primary_key = parsed.primary_key;
    if (tables_.size() >= kMaxTables) {
      tables_.clear();
    }
    tables_[table_key(msg_.table.database, msg_.table.table)] = std::move(parsed);
    return &msg_;
  }
  Op op = Op::Insert;
  if (type == "insert") {
    op = Op::Insert;
  } else if (type == "bootstrap-insert") {
    op = Op::Read;
  } else if (type == "update") {
    op = Op::Update;
  } else if (type == "delete") {
    op = Op::Delete;
  } else {
    return data_error("$.type: unknown type \"" + std::string(type.substr(0, 32)) + "\"");
  }
  if (msg_.table.database.empty() || msg_.table.table.empty()) {
    return data_error("$.database, $.table: missing for a row change");
  }
  const auto known = tables_.find(table_key(msg_.table.database, msg_.table.table));
  const TableDef* def = known == tables_.end() ? nullptr : &known->second;
  const uint32_t pk = tape_.find(0, "primary_key_columns");
  if (pk != JsonTape::kNone && tape_[pk].type == JsonType::Array) {
    msg_.primary_key.resize(tape_[pk].size);
    size_t i = 0;
    for (uint32_t e = JsonTape::first(pk); e < tape_[pk].end; e = tape_.next(e)) {
      if (tape_[e].type != JsonType::String) {
        return data_error("$.primary_key_columns: expected an array of strings");
      }
      msg_.primary_key[i++].assign(tape_[e].str());
    }
  } else if (def != nullptr && !def->primary_key.empty()) {
    set_names(msg_.primary_key, def->primary_key);
  } else {
    set_names(msg_.primary_key, options_.primary_key);
  }
  if (def != nullptr) {
    msg_.declared = def->columns;
  }
  const uint32_t data = tape_.find(0, "data");
  if (data == JsonTape::kNone) {
    return data_error("$.data: missing");
  }
  size_t cursor = 0;
  const auto convert = [&](std::string_view name, uint32_t n, Value& out, std::string& why) {
    ColumnType t;
    if (def != nullptr) {
      size_t i = cursor;
      if (i >= def->columns.size() || def->columns[i].name != name) {
        i = 0;
        while (i < def->columns.size() && def->columns[i].name != name) {
          ++i;
        }
      }
      cursor = i + 1;
      t = i < def->types.size() ? def->types[i] : ColumnType{};
    }
    return to_value(n, t, BytesText::Base64, out, why);
  };
  Range image{0, 0};
  if (auto e = add_image(data, JsonTape::kNone, convert, JsonPath{"$", "data"}, image)) {
    return *e;
  }
  if (op == Op::Update) {
    const uint32_t old = tape_.find(0, "old");
    Range before{0, 0};
    cursor = 0;
    if (auto e = add_image(data, old, convert, JsonPath{"$", "old"}, before)) {
      return *e;
    }
    add_update(before, image);
  } else if (op == Op::Delete) {
    add_row(op, image, {0, 0});
  } else {
    add_row(op, {0, 0}, image);
  }
  return finish();
}

}  // namespace

std::unique_ptr<MessageDecoder> make_maxwell_decoder(const DecoderOptions& options) {
  return std::make_unique<MaxwellDecoder>(options);
}

}  // namespace starcdc::kafka
