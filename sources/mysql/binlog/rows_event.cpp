// Rows events (libbinlogevents rows_event.cpp Rows_event; sql/log_event.cc unpack_row):
// post-header, v2 extra data, columns-present bitmaps, then per row one image (WRITE: after,
// DELETE: before) or two (UPDATE: before, after), each a NULL bitmap over the present columns
// followed by the non-NULL values.
#include "sources/mysql/binlog/rows_event.hpp"

#include <bit>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/json_diff.hpp"
#include "sources/mysql/binlog/table_map.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr uint8_t kExtraNdbInfo = 0;
constexpr uint8_t kExtraPartitionInfo = 1;
constexpr uint64_t kPartialJsonOption = 1;  // PARTIAL_JSON_UPDATES bit of value_options

bool is_v2_layout(EventType type) {
  switch (type) {
    case EventType::WriteRows:
    case EventType::UpdateRows:
    case EventType::DeleteRows:
    case EventType::PartialUpdateRows:
    case EventType::WriteRowsCompressed:
    case EventType::UpdateRowsCompressed:
    case EventType::DeleteRowsCompressed:
      return true;
    default:
      return false;
  }
}

RowsKind kind_of(EventType type) {
  switch (type) {
    case EventType::UpdateRowsV1:
    case EventType::UpdateRows:
    case EventType::UpdateRowsCompressedV1:
    case EventType::UpdateRowsCompressed:
      return RowsKind::Update;
    case EventType::DeleteRowsV1:
    case EventType::DeleteRows:
    case EventType::DeleteRowsCompressedV1:
    case EventType::DeleteRowsCompressed:
      return RowsKind::Delete;
    case EventType::PartialUpdateRows:
      return RowsKind::PartialUpdate;
    default:
      return RowsKind::Write;
  }
}

bool lsb_bit(std::span<const uint8_t> bits, size_t i) {
  return ((bits[i / 8] >> (i % 8)) & 1U) != 0;
}

}  // namespace

bool is_rows_event(EventType type) {
  switch (type) {
    case EventType::WriteRowsV1:
    case EventType::UpdateRowsV1:
    case EventType::DeleteRowsV1:
    case EventType::WriteRows:
    case EventType::UpdateRows:
    case EventType::DeleteRows:
    case EventType::PartialUpdateRows:
      return true;
    default:
      return is_compressed_rows_event(type);
  }
}

bool is_compressed_rows_event(EventType type) {
  const auto t = static_cast<uint8_t>(type);
  return t >= static_cast<uint8_t>(EventType::WriteRowsCompressedV1) &&
         t <= static_cast<uint8_t>(EventType::DeleteRowsCompressed);
}

RowsEvent parse_rows_event(EventType type, std::span<const uint8_t> body,
                           const FormatDescription& fd) {
  ByteReader r(body);
  RowsEvent e;
  e.kind = kind_of(type);
  e.compressed = is_compressed_rows_event(type);
  const size_t id_bytes = fd.post_header_length(type) == 6 ? 4 : 6;
  e.table_id = r.uint_le(id_bytes, "the table id");
  e.flags = r.u16("the rows flags");
  if (is_v2_layout(type)) {
    const uint16_t extra_len = r.u16("the extra data length");
    if (extra_len < 2) {
      throw_malformed("Rows event extra data length is below 2.");
    }
    ByteReader extra(r.bytes(extra_len - 2U, "the extra data"));
    while (!extra.empty()) {
      const uint8_t kind = extra.u8("an extra data type");
      if (kind == kExtraPartitionInfo) {
        e.partition_id = extra.u16("the partition id");
        if (e.kind == RowsKind::Update || e.kind == RowsKind::PartialUpdate) {
          e.source_partition_id = extra.u16("the source partition id");
        }
      } else {
        static_cast<void>(kExtraNdbInfo);
        break;  // NDB info and unknown kinds are opaque: skip the rest of the block
      }
    }
  }
  const uint64_t width = r.lenenc("the column count");
  if (width > 4096) {
    throw_malformed("Rows event declares more than 4096 columns.");
  }
  e.column_count = static_cast<uint32_t>(width);
  const size_t bitmap_bytes = (width + 7) / 8;
  if (e.kind != RowsKind::Write) {
    e.present_before = r.bytes(bitmap_bytes, "the columns-present bitmap");
  }
  if (e.kind == RowsKind::Write) {
    e.present_after = r.bytes(bitmap_bytes, "the columns-present bitmap");
  } else if (e.kind != RowsKind::Delete) {
    e.present_after = r.bytes(bitmap_bytes, "the after-image columns-present bitmap");
  }
  e.rows = r.rest();
  return e;
}

RowReader::RowReader(const RowsEvent& event, ValueDecoder& values, Arena& arena,
                     RowBuffers& buffers, const DecoderOptions& options)
    : event_(event),
      table_(event.table),
      values_(values),
      arena_(arena),
      buf_(buffers),
      options_(options),
      reader_(event.rows) {
  if (table_ == nullptr) {
    reader_ = ByteReader();  // the dummy end-of-statement event carries no rows
    return;
  }
  const size_t n = table_->columns.size();
  if (event.column_count != n) {
    throw Error(ErrorKind::Data,
                "Rows event for " + table_->database + "." + table_->table + " has " +
                    std::to_string(event.column_count) + " columns, its TABLE_MAP " +
                    std::to_string(n) + ".",
                table_->database + "." + table_->table);
  }
  buf_.before.assign(n, Value::null());
  buf_.after.assign(n, Value::null());
  buf_.before_json.assign(n, {});
  buf_.partial.assign(n, 0);
  if (event.has_before()) {
    before_ = prepare(event.present_before, buf_.before_mask);
  }
  if (event.has_after()) {
    after_ = prepare(event.present_after, buf_.after_mask);
  }
}

RowReader::Image RowReader::prepare(std::span<const uint8_t> bitmap, std::vector<uint64_t>& words) {
  Image img;
  img.present = bitmap;
  const size_t n = table_->columns.size();
  words.assign((n + 63) / 64, 0);
  for (size_t i = 0; i < n; ++i) {
    if (lsb_bit(bitmap, i)) {
      words[i / 64] |= uint64_t{1} << (i % 64);
      ++img.present_count;
    }
  }
  img.mask = img.present_count == n ? nullptr : words.data();
  return img;
}

void RowReader::read_image(ByteReader& r, const Image& image, std::span<Value> out, bool before,
                           bool after_partial) {
  const std::span<const uint8_t> nulls =
      r.bytes((image.present_count + 7) / 8, "a row's NULL bitmap");
  const bool keep_json = before && event_.kind == RowsKind::PartialUpdate;
  size_t k = 0;
  size_t i = 0;
  try {
    for (; i < out.size(); ++i) {
      if (image.mask != nullptr && !lsb_bit(image.present, i)) {
        out[i] = Value::null();
        continue;
      }
      if (lsb_bit(nulls, k++)) {
        out[i] = Value::null();
        continue;
      }
      const ColumnDef& c = table_->columns[i];
      if (c.kind == DecodeKind::Json && (keep_json || (after_partial && buf_.partial[i] != 0))) {
        const std::span<const uint8_t> raw = ValueDecoder::read_prefixed(c, r);
        if (keep_json) {
          buf_.before_json[i] = raw;
          out[i] = values_.json_value(raw);
          continue;
        }
        ByteBuffer text;
        if (options_.apply_json_diffs && !buf_.before_json[i].empty() &&
            apply_json_diffs(buf_.before_json[i], raw, text)) {
          out[i] = values_.arena_text(ValueKind::Json, text.view());
          continue;
        }
        text.clear();
        append_json_diff_list(raw, text);
        out[i] = values_.arena_text(ValueKind::Json, text.view());
        buf_.diff_columns.push_back(static_cast<uint16_t>(i));
        continue;
      }
      out[i] = values_.decode(*table_, i, r);
    }
  } catch (const Error& e) {
    if (!e.where().empty()) {
      throw;
    }
    throw Error(ErrorKind::Data, "Column " + column_where(*table_, i) + ": " + e.what(),
                column_where(*table_, i));
  }
}

bool RowReader::next(RowChange& out) {
  if (reader_.empty()) {
    return false;
  }
  arena_.reset();
  buf_.diff_columns.clear();
  const size_t n = table_->columns.size();
  const size_t start_bytes = reader_.remaining();
  out = RowChange{};
  if (event_.has_before()) {
    std::fill(buf_.before_json.begin(), buf_.before_json.end(), std::span<const uint8_t>{});
    read_image(reader_, before_, buf_.before, true, false);
    out.before = RowImage{std::span<const Value>(buf_.before.data(), n), ColumnMask{before_.mask}};
  }
  if (event_.has_after()) {
    bool partial = false;
    if (event_.kind == RowsKind::PartialUpdate) {
      const uint64_t options = reader_.lenenc("the value options");
      std::fill(buf_.partial.begin(), buf_.partial.end(), 0);
      if ((options & kPartialJsonOption) != 0) {
        // One bit per JSON column of the table, LSB first.
        const std::span<const uint8_t> bits =
            reader_.bytes((table_->json_columns + 7U) / 8U, "the partial JSON bitmap");
        size_t j = 0;
        for (size_t i = 0; i < n; ++i) {
          if (table_->columns[i].kind == DecodeKind::Json) {
            buf_.partial[i] = lsb_bit(bits, j++) ? 1 : 0;
          }
        }
        partial = true;
      }
    }
    read_image(reader_, after_, buf_.after, false, partial);
    out.after = RowImage{std::span<const Value>(buf_.after.data(), n), ColumnMask{after_.mask}};
  }
  if (reader_.remaining() == start_bytes) {
    // With no column present in any image a row takes no bytes (MySQL then writes no rows
    // data), so bytes left over cannot be split into rows.
    throw Error(ErrorKind::Data,
                "Rows event for " + table_->database + "." + table_->table +
                    " has row data but its rows take no bytes.",
                table_->database + "." + table_->table);
  }
  out.json_diff_columns = buf_.diff_columns;
  ++rows_;
  return true;
}

}  // namespace starcdc::mysql::binlog
