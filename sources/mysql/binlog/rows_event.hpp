// Rows events: the post-header and bitmaps (parse_rows_event) and RowReader, which walks the
// rows and yields before/after images as Value spans with their ColumnMask. Thread: pipeline.
//
// Lifetime: the Values of a RowChange are valid until the next call to next() (the arena is
// reset per row) and while the event's bytes live; the spans point into RowBuffers.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "pipeline/common/arena.hpp"
#include "pipeline/model/change_event.hpp"
#include "sources/mysql/binlog/events.hpp"
#include "sources/mysql/binlog/value_decoder.hpp"

namespace starcdc::mysql::binlog {

// Parses the post-header and bitmaps of a rows event body (after the 19-byte header, checksum
// removed); `rows` is the rest, still compressed for MariaDB's compressed events. `table` is
// left null. Throws Error(Data).
RowsEvent parse_rows_event(EventType type, std::span<const uint8_t> body,
                           const FormatDescription& fd);
bool is_rows_event(EventType type);
bool is_compressed_rows_event(EventType type);

struct RowChange {
  RowImage before;  // Update, Delete, PartialUpdate
  RowImage after;   // Write, Update, PartialUpdate
  // PARTIAL_UPDATE_ROWS only: after-image JSON columns whose value is a diff list (see
  // json_diff.hpp) because there was no before document to apply it to.
  std::span<const uint16_t> json_diff_columns;
};

// Storage a RowReader fills; owned by the decoder and reused, so rows allocate nothing.
struct RowBuffers {
  std::vector<Value> before, after;
  std::vector<uint64_t> before_mask, after_mask;
  std::vector<std::span<const uint8_t>> before_json;  // binary JSON of the before image
  std::vector<uint8_t> partial;                       // per column: after value is a JSON diff
  std::vector<uint16_t> diff_columns;
};

class RowReader {
 public:
  // `event` (and the bytes it views) must outlive the reader; EventDecoder::rows() makes one.
  RowReader(const RowsEvent& event, ValueDecoder& values, Arena& arena, RowBuffers& buffers,
            const DecoderOptions& options);

  // Decodes the next row into `out`; false when the event has no more rows. Throws Error(Data)
  // naming the column when a value cannot be decoded.
  bool next(RowChange& out);
  uint64_t rows_read() const { return rows_; }

 private:
  struct Image {
    std::span<const uint8_t> present;
    uint32_t present_count = 0;
    const uint64_t* mask = nullptr;  // null = every column present
  };
  Image prepare(std::span<const uint8_t> bitmap, std::vector<uint64_t>& words);
  void read_image(ByteReader& r, const Image& image, std::span<Value> out, bool before,
                  bool after_partial);

  const RowsEvent& event_;
  const TableMap* table_;
  ValueDecoder& values_;
  Arena& arena_;
  RowBuffers& buf_;
  const DecoderOptions& options_;
  ByteReader reader_;
  Image before_, after_;
  uint64_t rows_ = 0;
};

}  // namespace starcdc::mysql::binlog
