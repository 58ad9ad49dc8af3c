// libFuzzer target: the value decoders that take a column's whole bytes: MySQL binary JSON,
// PARTIAL_UPDATE_ROWS JSON diffs (as a list and applied to a document) and GEOMETRY (WKB).
// Malformed input must end in Error(Data).
//
// Input layout (tests/fuzz/make_corpus.py writes seeds in it):
//   byte 0   bits 0-1 what follows: 0 a binary JSON document; 1 a JSON diff list; 2 a document
//            (little-endian uint16 length, then its bytes) and a diff list to apply to it;
//            3 a GEOMETRY value; bit 2 SRID prefix for GEOMETRY
//   then     the bytes
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/geometry.hpp"
#include "sources/mysql/binlog/json_binary.hpp"
#include "sources/mysql/binlog/json_diff.hpp"

namespace starcdc::mysql::binlog {
namespace {

void run(const uint8_t* data, size_t size) {
  if (size == 0) {
    return;
  }
  // Copies of exactly the bytes given, so a read past them is a heap overflow ASan reports.
  const std::vector<uint8_t> rest(data + 1, data + size);
  ByteBuffer out;
  switch (data[0] & 3) {
    case 0:
      append_json_document(rest, out);
      break;
    case 1:
      append_json_diff_list(rest, out);
      break;
    case 2: {
      if (rest.size() < 2) {
        return;
      }
      const size_t n = std::min<size_t>(rest.size() - 2, size_t{rest[0]} | size_t{rest[1]} << 8);
      const std::vector<uint8_t> doc(rest.begin() + 2, rest.begin() + 2 + static_cast<long>(n));
      const std::vector<uint8_t> diffs(rest.begin() + 2 + static_cast<long>(n), rest.end());
      static_cast<void>(apply_json_diffs(doc, diffs, out));
      break;
    }
    default:
      static_cast<void>(append_geometry_wkt(rest, (data[0] & 4) != 0, out));
      break;
  }
}

}  // namespace
}  // namespace starcdc::mysql::binlog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    starcdc::mysql::binlog::run(data, size);
  } catch (const starcdc::Error& e) {
    if (e.kind() != starcdc::ErrorKind::Data) {
      throw;
    }
  }
  return 0;
}
