// JsonRowEncoder: one JSON object per row for a Primary Key table, straight from the decoded
// values: {"id":1,"name":"x",...,"__op":0}, followed by ','. The load body is '[' + rows without
// the last ',' + ']' (strip_outer_array). __op 0 upserts the after image; 1 deletes by the before
// image. Column keys are escaped once per schema. Thread: pipeline.
#pragma once

#include <string>
#include <vector>

#include "pipeline/sink.hpp"

namespace starcdc::starrocks {

class JsonRowEncoder : public RowEncoder {
 public:
  explicit JsonRowEncoder(const TableSchema& schema);
  void encode(const ChangeEvent& e, ByteBuffer& out) override;
  // A delete names its row by the keys in it; StarRocks reads the keys a load's `columns` lists.
  bool deletes_fit_any_columns() const override { return true; }

 private:
  std::vector<std::string> keys_;  // `"name":` per column
};

// Appends `v` as StarRocks' JSON reader takes it: numbers and decimals bare, temporal values as
// "YYYY-MM-DD HH:MM:SS[.ffffff]" strings, bytes as base64, NULL as null.
void append_starrocks_json_value(const Value& v, ByteBuffer& out);

}  // namespace starcdc::starrocks
