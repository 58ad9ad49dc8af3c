#include "sinks/common/json_lines_encoder.hpp"

namespace starcdc::sink_common {

std::vector<std::string> json_object_keys(const TableSchema& schema) {
  std::vector<std::string> keys;
  for (const auto& c : schema.columns()) {
    ByteBuffer b;
    append_json_string(b, c.name);
    b.push_back(':');
    keys.emplace_back(b.view());
  }
  return keys;
}

JsonLinesEncoder::JsonLinesEncoder(const TableSchema& schema) : keys_(json_object_keys(schema)) {}

void JsonLinesEncoder::image(const RowImage& img, ByteBuffer& out) const {
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < img.values.size() && i < keys_.size(); ++i) {
    if (!img.present.has(i)) {
      continue;
    }
    if (!first) {
      out.push_back(',');
    }
    first = false;
    out.append(keys_[i]);
    append_json_value(img.values[i], out);
  }
  out.push_back('}');
}

void JsonLinesEncoder::encode(const ChangeEvent& e, ByteBuffer& out) {
  static constexpr std::string_view kOps[] = {"{\"op\":\"c\"", "{\"op\":\"u\"", "{\"op\":\"d\"",
                                              "{\"op\":\"r\""};
  out.append(kOps[static_cast<size_t>(e.op)]);
  if (!e.before.empty()) {
    out.append(",\"before\":");
    image(e.before, out);
  }
  if (!e.after.empty()) {
    out.append(",\"after\":");
    image(e.after, out);
  }
  out.append(",\"ts_ms\":");
  out.append_int(e.commit_ms);
  out.append("}\n");
}

}  // namespace starcdc::sink_common
