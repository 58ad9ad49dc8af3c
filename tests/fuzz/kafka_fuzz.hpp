// The body shared by the Kafka format fuzz targets: arbitrary bytes as one Kafka message
// through a decoder, twice (the second time through its caches), with every view read back.
// A message the decoder refuses must end in Error(Data); anything else escapes as a finding.
//
// Input layout (tests/fuzz/make_corpus.py writes seeds in it from tests/fixtures/kafka):
//   byte 0   bit 0 require_schema, bit 1 json: table and database from fields "tbl" and "db"
//   byte 1   key length k
//   then     k bytes of key, then the value
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"
#include "sources/kafka/formats/message.hpp"

namespace starcdc::kafka {

inline uint64_t touch(const DecodedMessage& m) {
  uint64_t sum = m.table.database.size() + m.table.table.size() + m.ddl.size();
  for (const Column& c : m.declared) {
    sum += c.name.size() + c.type.size();
  }
  for (const RowChange& r : m.rows) {
    for (const auto* image : {&r.before, &r.after}) {
      for (const Field& f : *image) {
        for (const char c : f.name) {
          sum += static_cast<unsigned char>(c);
        }
        if (f.value.kind == ValueKind::String || f.value.kind == ValueKind::Bytes ||
            f.value.kind == ValueKind::Decimal || f.value.kind == ValueKind::Json) {
          for (const char c : f.value.text()) {
            sum += static_cast<unsigned char>(c);
          }
        }
      }
    }
  }
  return sum;
}

inline void fuzz_one(Format format, const uint8_t* data, size_t size) {
  if (size < 2) {
    return;
  }
  DecoderOptions options;
  options.require_schema = (data[0] & 1) != 0;
  if ((data[0] & 2) != 0) {
    options.table_field = "tbl";
    options.database_field = "db";
  }
  options.primary_key = {"id"};
  const size_t key_size = data[1] < size - 2 ? data[1] : size - 2;
  const std::string key(reinterpret_cast<const char*>(data + 2), key_size);
  static auto decoder = make_decoder(format, options);  // caches live across inputs
  auto fresh = make_decoder(format, options);
  uint64_t first = 0;
  for (MessageDecoder* d : {fresh.get(), decoder.get(), fresh.get()}) {
    // A copy of exactly the value's bytes, so a read past them is a heap overflow ASan reports.
    std::vector<char> value(data + 2 + key_size, data + size);
    auto r = d->decode("topic", key, value);
    if (!r.ok()) {
      if (r.error().kind() != ErrorKind::Data) {
        throw r.error();
      }
      continue;
    }
    const uint64_t sum = touch(*r.value());
    if (d == fresh.get()) {
      if (first != 0 && sum != first) {
        throw Error(ErrorKind::Internal, "decoding the same message twice differs");
      }
      first = sum;
    }
  }
}

}  // namespace starcdc::kafka

#define STARCDC_KAFKA_FUZZ_TARGET(format)                                   \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    try {                                                                   \
      starcdc::kafka::fuzz_one(format, data, size);                         \
    } catch (const starcdc::Error& e) {                                     \
      if (e.kind() != starcdc::ErrorKind::Data) {                           \
        throw;                                                              \
      }                                                                     \
    }                                                                       \
    return 0;                                                               \
  }
