#include "sources/kafka/formats/decoder_core.hpp"

#include <cstring>

namespace starcdc::kafka {

std::string JsonPath::str() const {
  std::string s(base);
  if (!member.empty()) {
    s += ".";
    s += member;
  }
  if (index >= 0) {
    s += "[" + std::to_string(index) + "]";
  }
  if (!field.empty()) {
    s += ".";
    s += field;
  }
  return s;
}

char* DecoderCore::begin(std::span<const char> value) {
  msg_.kind = DecodedMessage::Kind::Rows;
  // declared and primary_key are left for the decoder to assign: assigning over the previous
  // message's strings reuses their memory.
  msg_.rows.clear();
  msg_.ddl.clear();
  msg_.commit_ms = 0;
  msg_.skip_reason.clear();
  fields_.clear();
  pending_.clear();
  arena_.reset();
  buffer_.resize(value.size() + JsonTape::kPadding);
  if (!value.empty()) {
    std::memcpy(buffer_.data(), value.data(), value.size());
  }
  std::memset(buffer_.data() + value.size(), 0, JsonTape::kPadding);
  return buffer_.data();
}

Error DecoderCore::data_error(const std::string& what) const {
  return Error(ErrorKind::Data, std::string(format_) + ": " + what, {},
               "check the topic's format option; the message is not what this format writes");
}

std::optional<Error> DecoderCore::read_envelope(char* text, size_t length, std::string_view& type) {
  if (!tape_.parse(text, length)) {
    return parse_error(tape_, "$");
  }
  if (tape_[0].type != JsonType::Object) {
    return data_error(std::string("$: expected an object, got ") + json_type_name(tape_[0].type));
  }
  type = string_member(0, "type");
  if (type.empty()) {
    return data_error("$.type: missing or not a string");
  }
  msg_.table.database.assign(string_member(0, "database"));
  msg_.table.table.assign(string_member(0, "table"));
  return std::nullopt;
}

Error DecoderCore::path_error(const JsonPath& path, const std::string& what) const {
  return data_error(path.str() + ": " + what);
}

Error DecoderCore::parse_error(const JsonTape& tape, std::string_view base) const {
  return data_error(std::string(base) + ": not JSON: " + tape.error() + " at byte " +
                    std::to_string(tape.error_offset()));
}

namespace {

bool expect(JsonType got, const char* what, std::string& why) {
  why = std::string("expected ") + what + ", got " + json_type_name(got);
  return false;
}

bool temporal(std::string_view s, ColumnType t, Value& out, std::string& why) {
  uint8_t scale = 0;
  int64_t x = 0;
  TemporalParse r = TemporalParse::Bad;
  ValueKind kind = ValueKind::Date;
  switch (t.cls) {
    case TypeClass::Date:
      r = parse_date(s, x);
      break;
    case TypeClass::Time:
      r = parse_time(s, x, scale) ? TemporalParse::Ok : TemporalParse::Bad;
      kind = ValueKind::Time;
      break;
    default:
      r = parse_datetime(s, x, scale);
      kind = t.cls == TypeClass::Timestamp ? ValueKind::Timestamp : ValueKind::DateTime;
      break;
  }
  if (r == TemporalParse::Bad) {
    why = "'" + std::string(s.substr(0, 64)) + "' is not a valid " +
          (t.cls == TypeClass::Date   ? "date (YYYY-MM-DD)"
           : t.cls == TypeClass::Time ? "time ([-]H:MM:SS[.ffffff])"
                                      : "date and time (YYYY-MM-DD hh:mm:ss[.ffffff])");
    return false;
  }
  // Zero dates (0000-00-00) have no value in StarRocks: they become NULL.
  out = r == TemporalParse::Zero ? Value::null() : Value::temporal(kind, x, t.scale);
  return true;
}

}  // namespace

bool DecoderCore::to_value(uint32_t n, ColumnType t, BytesText bytes, Value& out,
                           std::string& why) {
  const JsonNode& node = tape_[n];
  const JsonType type = node.type;
  if (type == JsonType::Null) {
    out = Value::null();
    return true;
  }
  const std::string_view s = node.str();
  const bool scalar_text = type == JsonType::String || type == JsonType::Number;
  switch (t.cls) {
    case TypeClass::Any:
      break;
    case TypeClass::Bool:
      if (type == JsonType::True || type == JsonType::False) {
        out = Value::boolean(type == JsonType::True);
        return true;
      }
      if (scalar_text && (s == "0" || s == "1" || s == "true" || s == "false")) {
        out = Value::boolean(s == "1" || s == "true");
        return true;
      }
      return expect(type, "a boolean", why);
    case TypeClass::Int:
    case TypeClass::Bits:
      if (type == JsonType::True || type == JsonType::False) {
        out = Value::int64(type == JsonType::True ? 1 : 0);
        return true;
      }
      if (!scalar_text) {
        return expect(type, "an integer", why);
      }
      if (!parse_integer(s, out)) {
        why = "'" + std::string(s.substr(0, 64)) + "' is not an integer in the 64-bit range";
        return false;
      }
      return true;
    case TypeClass::Double: {
      if (!scalar_text) {
        return expect(type, "a number", why);
      }
      double d = 0;
      if (!parse_double(s, d)) {
        why = "'" + std::string(s.substr(0, 64)) + "' is not a number";
        return false;
      }
      out = Value::float64(d);
      return true;
    }
    case TypeClass::Decimal:
      if (!scalar_text) {
        return expect(type, "a decimal number", why);
      }
      if (!is_decimal_text(s)) {
        why = "'" + std::string(s.substr(0, 64)) + "' is not a decimal number";
        return false;
      }
      out = Value::decimal(s);
      return true;
    case TypeClass::String:
      if (scalar_text) {
        out = Value::string(s);
        return true;
      }
      break;  // booleans and JSON as their text
    case TypeClass::Bytes: {
      if (type != JsonType::String) {
        return expect(type, "a string of bytes", why);
      }
      if (bytes == BytesText::Base64) {
        char* p = arena_.allocate(base64_max_decoded(s));
        size_t written = 0;
        if (!base64_decode(s, p, written)) {
          why = "not valid base64";
          return false;
        }
        out = Value::view(ValueKind::Bytes, std::string_view(p, written));
        return true;
      }
      // Latin-1: code points U+0000..U+00FF are the bytes (1 or 2 UTF-8 bytes each).
      char* p = arena_.allocate(s.size());
      size_t w = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
          p[w++] = static_cast<char>(c);
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size()) {
          p[w++] =
              static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F));
        } else {
          why = "a character above U+00FF in a binary value (Canal writes bytes as ISO-8859-1)";
          return false;
        }
      }
      out = Value::view(ValueKind::Bytes, std::string_view(p, w));
      return true;
    }
    case TypeClass::Date:
    case TypeClass::Time:
    case TypeClass::DateTime:
    case TypeClass::Timestamp:
      if (type != JsonType::String) {
        return expect(type, "a date/time string", why);
      }
      return temporal(s, t, out, why);
    case TypeClass::Json:
      if (scalar_text && type == JsonType::String) {
        out = Value::view(ValueKind::Json, s);
        return true;
      }
      scratch_.clear();
      tape_.write(n, scratch_);
      out = Value::view(ValueKind::Json, arena_.copy(scratch_));
      return true;
    case TypeClass::Set:
      if (type == JsonType::Array) {
        // Maxwell writes a SET as an array of its members; MySQL's text joins them with ','.
        scratch_.clear();
        for (uint32_t e = JsonTape::first(n); e < node.end; e = tape_.next(e)) {
          if (tape_[e].type != JsonType::String) {
            return expect(tape_[e].type, "a string in the SET array", why);
          }
          if (!scratch_.empty()) {
            scratch_.push_back(',');
          }
          scratch_.append(tape_[e].str());
        }
        out = Value::string(arena_.copy(scratch_));
        return true;
      }
      if (scalar_text) {
        out = Value::string(s);
        return true;
      }
      return expect(type, "a string or an array", why);
  }
  // No declared type (or a string column given a non-string): the JSON type decides.
  switch (type) {
    case JsonType::True:
    case JsonType::False:
      out = Value::boolean(type == JsonType::True);
      return true;
    case JsonType::Number:
      if (!parse_number(s, out)) {
        why = "the number " + std::string(s.substr(0, 64)) + " is out of range";
        return false;
      }
      return true;
    case JsonType::String:
      out = Value::string(s);
      return true;
    default:
      scratch_.clear();
      tape_.write(n, scratch_);
      out = Value::view(ValueKind::Json, arena_.copy(scratch_));
      return true;
  }
}

void DecoderCore::set_names(std::vector<std::string>& dst, std::span<const std::string> src) {
  dst.resize(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    dst[i].assign(src[i]);
  }
}

void DecoderCore::add_row(Op op, Range before, Range after) {
  pending_.push_back(PendingRow{op, before, after});
}

void DecoderCore::add_update(Range before, Range after) {
  bool key_changed = false;
  for (const std::string& k : msg_.primary_key) {
    const Value* b = nullptr;
    const Value* a = nullptr;
    for (uint32_t i = before.first; i < before.second; ++i) {
      if (fields_[i].name == k) {
        b = &fields_[i].value;
        break;
      }
    }
    for (uint32_t i = after.first; i < after.second; ++i) {
      if (fields_[i].name == k) {
        a = &fields_[i].value;
        break;
      }
    }
    if (a != nullptr && b != nullptr && !same_value(*a, *b)) {
      key_changed = true;
      break;
    }
  }
  if (key_changed) {
    // StarRocks upserts by key: the row under the old key must go, the new one arrive.
    add_row(Op::Delete, before, {0, 0});
    add_row(Op::Insert, {0, 0}, after);
    return;
  }
  add_row(Op::Update, before, after);
}

const DecodedMessage* DecoderCore::finish() {
  msg_.kind = DecodedMessage::Kind::Rows;
  const auto span = [this](Range r) {
    return std::span<const Field>(fields_.data() + r.first, r.second - r.first);
  };
  for (const PendingRow& p : pending_) {
    msg_.rows.push_back(RowChange{p.op, span(p.before), span(p.after)});
  }
  return &msg_;
}

const DecodedMessage* DecoderCore::skip(std::string_view reason) {
  msg_.kind = DecodedMessage::Kind::Skip;
  msg_.skip_reason = reason;
  msg_.declared.clear();
  msg_.primary_key.clear();
  return &msg_;
}

}  // namespace starcdc::kafka
