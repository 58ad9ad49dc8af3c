#include "sources/mysql/binlog/transaction_payload.hpp"

#include <zstd.h>

#include <cstring>
#include <string>

#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/event_header.hpp"

namespace starcdc::mysql::binlog {

PayloadReader::PayloadReader() = default;

PayloadReader::~PayloadReader() {
  if (dctx_ != nullptr) {
    ZSTD_freeDCtx(dctx_);
  }
}

void PayloadReader::start(std::span<const uint8_t> payload, uint64_t compression,
                          uint64_t max_event_bytes) {
  if (compression != kPayloadZstd && compression != kPayloadNone) {
    throw_malformed("TRANSACTION_PAYLOAD_EVENT uses compression type " +
                    std::to_string(compression) + ", which is not known.");
  }
  in_ = payload;
  in_pos_ = 0;
  compression_ = compression;
  max_event_bytes_ = max_event_bytes;
  begin_ = end_ = 0;
  active_ = true;
  if (compression == kPayloadZstd) {
    if (dctx_ == nullptr) {
      dctx_ = ZSTD_createDCtx();
    }
    ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only);
  }
}

bool PayloadReader::fill(size_t n) {
  if (compression_ == kPayloadNone) {
    return end_ - begin_ >= n;
  }
  if (end_ - begin_ >= n) {
    return true;
  }
  // Move the unread tail to the front, then grow to fit n.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const size_t want = std::max<size_t>(n, ZSTD_DStreamOutSize());
  if (buf_.size() < want) {
    buf_.resize(want);
  }
  while (end_ < n) {
    if (end_ == buf_.size()) {
      buf_.resize(buf_.size() * 2);
    }
    ZSTD_inBuffer input{in_.data(), in_.size(), in_pos_};
    ZSTD_outBuffer output{buf_.data(), buf_.size(), end_};
    const size_t rc = ZSTD_decompressStream(dctx_, &output, &input);
    if (ZSTD_isError(rc) != 0U) {
      throw_malformed(std::string("TRANSACTION_PAYLOAD_EVENT does not decompress: ") +
                      ZSTD_getErrorName(rc) + ".");
    }
    const bool progressed = input.pos != in_pos_ || output.pos != end_;
    in_pos_ = input.pos;
    end_ = output.pos;
    if (!progressed && in_pos_ == in_.size()) {
      return false;
    }
  }
  return true;
}

std::optional<std::span<const uint8_t>> PayloadReader::next() {
  if (!active_) {
    return std::nullopt;
  }
  if (compression_ == kPayloadNone && end_ == 0 && in_pos_ == 0) {
    // Uncompressed: read straight from the payload.
    buf_.assign(in_.begin(), in_.end());
    end_ = buf_.size();
    in_pos_ = in_.size();
  }
  if (!fill(1)) {
    active_ = false;
    return std::nullopt;
  }
  if (!fill(kEventHeaderBytes)) {
    throw_malformed("TRANSACTION_PAYLOAD_EVENT ends inside an event header.");
  }
  const uint32_t size = load_le32(buf_.data() + begin_ + 9);
  if (size < kEventHeaderBytes || size > max_event_bytes_) {
    throw_malformed("TRANSACTION_PAYLOAD_EVENT holds an event of invalid size " +
                    std::to_string(size) + ".");
  }
  if (!fill(size)) {
    throw_malformed("TRANSACTION_PAYLOAD_EVENT ends inside an event.");
  }
  const std::span<const uint8_t> event(buf_.data() + begin_, size);
  begin_ += size;
  return event;
}

}  // namespace starcdc::mysql::binlog
