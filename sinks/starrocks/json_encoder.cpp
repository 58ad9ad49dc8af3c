#include "sinks/starrocks/json_encoder.hpp"

#include "sinks/common/json_lines_encoder.hpp"

namespace starcdc::starrocks {

JsonRowEncoder::JsonRowEncoder(const TableSchema& schema)
    : keys_(sink_common::json_object_keys(schema)) {}

void append_starrocks_json_value(const Value& v, ByteBuffer& out) {
  if (v.kind == ValueKind::Decimal) {
    // Exact decimal text is a JSON number unless it has a leading '+' or '.'.
    const std::string_view t = v.text();
    if (!t.empty() && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9'))) {
      out.append(t);
      return;
    }
  }
  append_json_value(v, out);
}

void JsonRowEncoder::encode(const ChangeEvent& e, ByteBuffer& out) {
  const bool is_delete = e.op == Op::Delete;
  const RowImage& img = is_delete ? e.before : e.after;
  out.push_back('{');
  if (is_delete || img.present.words == nullptr) {
    for (size_t i = 0; i < img.values.size() && i < keys_.size(); ++i) {
      if (!img.present.has(i)) {
        continue;
      }
      out.append(keys_[i]);
      append_starrocks_json_value(img.values[i], out);
      out.push_back(',');
    }
  } else {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (const Value* v = upsert_value(e, i)) {
        out.append(keys_[i]);
        append_starrocks_json_value(*v, out);
        out.push_back(',');
      }
    }
  }
  out.append(is_delete ? "\"__op\":1}," : "\"__op\":0},");
}

}  // namespace starcdc::starrocks
