// JsonLinesEncoder: one JSON object per change,
// {"op":"u","before":{...},"after":{...},"ts_ms":...}, with Debezium's op letters
// (c insert, u update, d delete, r snapshot read). Column names are escaped once per schema.
#pragma once

#include <string>
#include <vector>

#include "pipeline/sink.hpp"

namespace starcdc::sink_common {

// `"name":` for each column of `schema`, escaped once, for encoders that write JSON objects.
std::vector<std::string> json_object_keys(const TableSchema& schema);

class JsonLinesEncoder : public RowEncoder {
 public:
  explicit JsonLinesEncoder(const TableSchema& schema);
  void encode(const ChangeEvent& e, ByteBuffer& out) override;

 private:
  void image(const RowImage& img, ByteBuffer& out) const;
  std::vector<std::string> keys_;  // `"name":` per column
};

}  // namespace starcdc::sink_common
