// CsvRowEncoder: one CSV record per row for a Primary Key table: the columns in schema order,
// then __op (0 upsert, 1 delete), separated by `column_separator`, ended by `row_delimiter`
// (every record ends with it, as successive loads of one transaction are concatenated).
//
// Enclosed (plain Stream Load, which reads enclose '"' and escape '\'): text values are written
// "..." with '\' and '"' escaped, so every byte round-trips; NULL is \\N (\N once unescaped).
// Plain (transaction loads, which ignore enclose/escape): NULL is \N and a text value holding a
// separator, or reading as \N, cannot be written: it stops the pipeline with an error naming the
// table and column (JSON, the default format, carries every value). Thread: pipeline.
#pragma once

#include <string>
#include <vector>

#include "pipeline/sink.hpp"

namespace starcdc::starrocks {

class CsvRowEncoder : public RowEncoder {
 public:
  // Separators as the bytes they stand for (see decode_separator()).
  CsvRowEncoder(const TableSchema& schema, std::string column_separator, std::string row_delimiter,
                bool enclosed = false);
  void encode(const ChangeEvent& e, ByteBuffer& out) override;

 private:
  void append_text(std::string_view text, size_t column, ByteBuffer& out) const;
  void append_value(const Value& v, size_t column, ByteBuffer& out) const;

  std::string table_;
  std::vector<std::string> columns_;
  std::string sep_;
  std::string delim_;
  bool enclosed_ = false;
};

// StarRocks' separator notation: "\t", "\n", "\xHH" hex escapes; anything else is literal.
std::string decode_separator(const std::string& notation);

}  // namespace starcdc::starrocks
