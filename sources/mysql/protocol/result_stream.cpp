#include "sources/mysql/protocol/result_stream.hpp"

#include <algorithm>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"

namespace starcdc::mysql::protocol {

void parse_text_row(ByteView payload, size_t columns, RowView& out) {
  out.resize(columns);
  const auto* p = reinterpret_cast<const char*>(payload.data());
  const size_t size = payload.size();
  size_t pos = 0;
  for (size_t i = 0; i < columns; ++i) {
    // Fast path: a length below 251 in one byte (nearly every field of a text row).
    if (pos < size && static_cast<uint8_t>(p[pos]) < 0xFB) {
      const size_t n = static_cast<uint8_t>(p[pos]);
      if (n <= size - pos - 1) {
        out[i] = std::string_view(p + pos + 1, n);
        pos += 1 + n;
        continue;
      }
    }
    WireReader r(payload, "result row");
    r.skip(pos);
    out[i] = r.lenenc_string_or_null();
    pos = r.position();
  }
}

ResultStream::Step ResultStream::feed(ByteView packet) {
  switch (state_) {
    case State::First: {
      if (is_err(packet)) {
        state_ = State::Finished;
        error_ = packet;
        return Step::Err;
      }
      if (is_ok(packet)) {
        state_ = State::Finished;
        ok_ = parse_ok(packet);
        return Step::Ok;
      }
      if (!packet.empty() && packet[0] == header::kLocalInfile) {
        throw Error(ErrorKind::Refused,
                    "the server asked for a LOCAL INFILE transfer, which we refuse");
      }
      WireReader count_reader(packet, "column count");
      expected_columns_ = count_reader.lenenc();
      columns_.clear();
      columns_.reserve(static_cast<size_t>(std::min<uint64_t>(expected_columns_, 4096)));
      state_ = expected_columns_ == 0 ? State::ColumnsEof : State::Columns;
      return Step::More;
    }
    case State::Columns:
      columns_.push_back(parse_column_definition(packet));
      if (columns_.size() == expected_columns_) {
        state_ = State::ColumnsEof;
      }
      return Step::More;
    case State::ColumnsEof:
      // Without CLIENT_DEPRECATE_EOF an EOF packet ends the column definitions.
      if (!is_eof(packet)) {
        WireReader(packet, "end of column definitions").fail();
      }
      state_ = State::Rows;
      return Step::Ready;
    case State::Rows:
      if (is_eof(packet)) {
        // No further result sets can follow: CLIENT_MULTI_RESULTS is never requested.
        state_ = State::Finished;
        return Step::End;
      }
      if (is_err(packet)) {
        state_ = State::Finished;
        error_ = packet;
        return Step::Err;
      }
      parse_text_row(packet, columns_.size(), row_);
      ++rows_;
      return Step::NextRow;
    case State::Finished:
      break;
  }
  WireReader(packet, "packet after the end of a result set").fail();
}

ResultStream::Step ResultStream::feed_unparsed(ByteView packet) {
  if (state_ != State::Rows || is_eof(packet) || is_err(packet)) {
    return feed(packet);
  }
  ++rows_;
  return Step::NextRow;
}

}  // namespace starcdc::mysql::protocol
