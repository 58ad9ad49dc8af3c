// PayloadReader: the inner events of a MySQL TRANSACTION_PAYLOAD_EVENT, decompressed with a
// streaming zstd decoder (several frames allowed) so memory stays near the largest inner event,
// not the whole transaction. Inner events are whole v4 events without checksums.
// Thread: pipeline.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

struct ZSTD_DCtx_s;

namespace starcdc::mysql::binlog {

inline constexpr uint64_t kPayloadZstd = 0;
inline constexpr uint64_t kPayloadNone = 255;

class PayloadReader {
 public:
  PayloadReader();
  ~PayloadReader();
  PayloadReader(const PayloadReader&) = delete;
  PayloadReader& operator=(const PayloadReader&) = delete;

  // Starts on a payload (bytes must outlive the reading); `compression` is kPayloadZstd or
  // kPayloadNone. Throws Error(Data) for another compression type.
  void start(std::span<const uint8_t> payload, uint64_t compression, uint64_t max_event_bytes);
  // The next inner event's bytes, valid until the next call; nullopt after the last one. Throws
  // Error(Data) when the payload is corrupt or ends inside an event.
  std::optional<std::span<const uint8_t>> next();
  bool active() const { return active_; }

 private:
  // Decompresses until at least `n` bytes are buffered; false at the end of the input.
  bool fill(size_t n);

  ZSTD_DCtx_s* dctx_ = nullptr;
  std::span<const uint8_t> in_;
  size_t in_pos_ = 0;
  uint64_t compression_ = kPayloadNone;
  uint64_t max_event_bytes_ = 0;
  std::vector<uint8_t> buf_;
  size_t begin_ = 0;  // first unread byte of buf_
  size_t end_ = 0;    // end of decompressed bytes in buf_
  bool active_ = false;
};

}  // namespace starcdc::mysql::binlog
