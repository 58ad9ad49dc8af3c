#include "sinks/starrocks/csv_encoder.hpp"

#include "pipeline/common/error.hpp"

namespace starcdc::starrocks {

std::string decode_separator(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      if (s[i + 1] == 't') {
        out.push_back('\t');
        ++i;
        continue;
      }
      if (s[i + 1] == 'n') {
        out.push_back('\n');
        ++i;
        continue;
      }
      if ((s[i + 1] == 'x' || s[i + 1] == 'X') && i + 3 < s.size() &&
          std::isxdigit(static_cast<unsigned char>(s[i + 2])) != 0 &&
          std::isxdigit(static_cast<unsigned char>(s[i + 3])) != 0) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16)));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

CsvRowEncoder::CsvRowEncoder(const TableSchema& schema, std::string column_separator,
                             std::string row_delimiter, bool enclosed)
    : table_(schema.id().str()),
      sep_(std::move(column_separator)),
      delim_(std::move(row_delimiter)),
      enclosed_(enclosed) {
  for (const auto& c : schema.columns()) {
    columns_.push_back(c.name);
  }
}

void CsvRowEncoder::append_text(std::string_view text, size_t column, ByteBuffer& out) const {
  if (enclosed_) {
    if (text == "\\N") {
      throw Error(ErrorKind::Data,
                  "the text value \\N cannot be written as CSV: StarRocks reads it as NULL",
                  table_ + "." + columns_[column],
                  "use sink.properties.format: json (the default)");
    }
    out.push_back('"');
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '"' || text[i] == '\\') {
        out.append(text.substr(start, i - start));
        out.push_back('\\');
        out.push_back(text[i]);
        start = i + 1;
      }
    }
    out.append(text.substr(start));
    out.push_back('"');
    return;
  }
  if (text.find(sep_) != std::string_view::npos || text.find(delim_) != std::string_view::npos ||
      text == "\\N") {
    throw Error(ErrorKind::Data,
                "a value cannot be written as CSV: it contains the column separator or row "
                "delimiter, or reads as NULL",
                table_ + "." + columns_[column],
                "use sink.properties.format: json (the default), or separators that never occur "
                "in the data, e.g. column_separator \\x01 and row_delimiter \\x02");
  }
  out.append(text);
}

void CsvRowEncoder::append_value(const Value& v, size_t column, ByteBuffer& out) const {
  switch (v.kind) {
    case ValueKind::Null:
      out.append(enclosed_ ? "\\\\N" : "\\N");  // escaped once when enclosed
      break;
    case ValueKind::Bool:
      out.push_back(v.i != 0 ? '1' : '0');
      break;
    case ValueKind::Int:
      out.append_int(v.i);
      break;
    case ValueKind::UInt:
      out.append_int(v.u);
      break;
    case ValueKind::Double:
      out.append_double(v.d);
      break;
    case ValueKind::Date:
    case ValueKind::Time:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
      append_temporal_text(v, out);
      break;
    default:
      append_text(v.text(), column, out);
      break;
  }
  out.append(sep_);
}

void CsvRowEncoder::encode(const ChangeEvent& e, ByteBuffer& out) {
  const bool is_delete = e.op == Op::Delete;
  const RowImage& img = is_delete ? e.before : e.after;
  if (is_delete || img.present.words == nullptr) {
    // The columns the image carries (all of them unless the source logs partial images).
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (img.present.has(i)) {
        append_value(i < img.values.size() ? img.values[i] : Value(), i, out);
      }
    }
  } else {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (const Value* v = upsert_value(e, i)) {
        append_value(*v, i, out);
      }
    }
  }
  out.push_back(is_delete ? '1' : '0');
  out.append(delim_);
}

}  // namespace starcdc::starrocks
