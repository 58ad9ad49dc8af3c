#include "sources/mysql/protocol/result_set.hpp"

#include <algorithm>
#include <cctype>

namespace starcdc::mysql::protocol {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<size_t> ResultSet::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (iequals(columns[i].name, name)) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<std::string> ResultSet::value(size_t row, std::string_view name) const {
  const auto col = column_index(name);
  if (!col || row >= rows.size() || *col >= rows[row].size()) {
    return std::nullopt;
  }
  return rows[row][*col];
}

ColumnDefinition parse_column_definition(ByteView payload) {
  // Protocol::ColumnDefinition41: catalog, schema, table, org_table, name, org_name (lenenc
  // strings), lenenc length of the fixed part (0x0C), charset int<2>, length int<4>, type
  // int<1>, flags int<2>, decimals int<1>, filler int<2>.
  WireReader r(payload, "column definition");
  ColumnDefinition c;
  r.lenenc_string();  // catalog, always "def"
  c.schema = std::string(r.lenenc_string());
  c.table = std::string(r.lenenc_string());
  c.org_table = std::string(r.lenenc_string());
  c.name = std::string(r.lenenc_string());
  c.org_name = std::string(r.lenenc_string());
  r.lenenc();
  c.charset = r.u16();
  c.length = r.u32();
  c.type = r.u8();
  c.flags = r.u16();
  c.decimals = r.u8();
  return c;
}

Row parse_text_row(ByteView payload, size_t columns) {
  WireReader r(payload, "result row");
  Row row;
  row.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    const auto v = r.lenenc_string_or_null();
    if (v) {
      row.emplace_back(std::string(*v));
    } else {
      row.emplace_back(std::nullopt);
    }
  }
  return row;
}

}  // namespace starcdc::mysql::protocol
