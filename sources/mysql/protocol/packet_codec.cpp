#include "sources/mysql/protocol/packet_codec.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"

namespace starcdc::mysql::protocol {
namespace {

constexpr size_t kHeaderBytes = 4;
// Buffers that grew for one large packet go back to this size once empty, so one big event does
// not pin its memory for the rest of the run.
constexpr size_t kShrinkAboveBytes = 16U << 20;
constexpr size_t kInitialBytes = 64U << 10;

}  // namespace

uint8_t encode_packet(ByteView payload, uint8_t seq, Bytes& out) {
  size_t offset = 0;
  for (;;) {
    const size_t n = std::min<size_t>(payload.size() - offset, kMaxFramePayload);
    out.push_back(static_cast<uint8_t>(n));
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n >> 16));
    out.push_back(seq++);
    out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(offset),
               payload.begin() + static_cast<std::ptrdiff_t>(offset + n));
    offset += n;
    // A frame of exactly 0xFFFFFF bytes says "more follows", so a payload that is a multiple
    // of it ends with an empty frame.
    if (n < kMaxFramePayload) {
      return seq;
    }
  }
}

PacketDecoder::PacketDecoder(uint64_t max_packet_bytes) : max_packet_bytes_(max_packet_bytes) {}

std::span<uint8_t> PacketDecoder::prepare(size_t min_bytes) {
  const size_t need = std::max(min_bytes, wanted_);
  if (begin_ == end_) {
    begin_ = end_ = 0;
    if (buf_.size() > kShrinkAboveBytes && need <= kInitialBytes) {
      Bytes().swap(buf_);
    }
  }
  if (buf_.size() - end_ < need) {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buf_.size() - end_ < need) {
      buf_.resize(std::max(end_ + need, kInitialBytes));
    }
  }
  return {buf_.data() + end_, buf_.size() - end_};
}

void PacketDecoder::commit(size_t n) { end_ += n; }

void PacketDecoder::reset() {
  begin_ = end_ = 0;
  joined_.clear();
  joining_ = false;
  wanted_ = 0;
}

std::optional<ByteView> PacketDecoder::next(uint8_t& expected_seq) {
  if (!joining_ && !joined_.empty()) {
    // The previous call returned a joined payload; it is no longer needed.
    if (joined_.capacity() > kShrinkAboveBytes) {
      Bytes().swap(joined_);
    } else {
      joined_.clear();
    }
  }
  for (;;) {
    const size_t have = end_ - begin_;
    if (have < kHeaderBytes) {
      wanted_ = kHeaderBytes - have;
      return std::nullopt;
    }
    const uint8_t* h = buf_.data() + begin_;
    const uint32_t len = uint32_t{h[0]} | (uint32_t{h[1]} << 8) | (uint32_t{h[2]} << 16);
    const uint8_t seq = h[3];
    if (seq != expected_seq) {
      throw Error(ErrorKind::Transient,
                  "packet out of order from the server: sequence id " + std::to_string(seq) +
                      ", expected " + std::to_string(expected_seq),
                  {}, "the connection is out of step with the server; it will be reopened");
    }
    if (joined_.size() + len > max_packet_bytes_) {
      throw Error(ErrorKind::Transient,
                  "packet from the server exceeds the limit of " +
                      std::to_string(max_packet_bytes_) + " bytes",
                  {}, "raise the client's maximum packet size or lower the server's");
    }
    if (have < kHeaderBytes + len) {
      wanted_ = kHeaderBytes + len - have;
      return std::nullopt;
    }
    wanted_ = 0;
    ++expected_seq;
    begin_ += kHeaderBytes + len;
    const ByteView chunk(h + kHeaderBytes, len);
    if (len == kMaxFramePayload) {
      joined_.insert(joined_.end(), chunk.begin(), chunk.end());
      joining_ = true;
      continue;
    }
    if (joining_) {
      joined_.insert(joined_.end(), chunk.begin(), chunk.end());
      joining_ = false;
      return ByteView(joined_);
    }
    return chunk;
  }
}

}  // namespace starcdc::mysql::protocol
