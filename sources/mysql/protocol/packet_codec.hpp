// Packet framing: 3-byte payload length + 1-byte sequence id + payload; payloads of 0xFFFFFF
// bytes or more are split into 0xFFFFFF-byte frames ended by a shorter (possibly empty) frame.
// Pure: the channel feeds bytes from the socket into PacketDecoder and sends what
// encode_packet() produced. Thread: the owner's.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

// Appends `payload` framed as one or more packets with sequence ids from `seq` on; returns the
// sequence id after the last frame (wrapping mod 256).
uint8_t encode_packet(ByteView payload, uint8_t seq, Bytes& out);

// Reassembles packets from bytes read off the wire, checking sequence ids.
class PacketDecoder {
 public:
  // `max_packet_bytes` bounds a reassembled payload (a server announcing more is refused).
  explicit PacketDecoder(uint64_t max_packet_bytes);

  // Space to read into: at least `min_bytes`, more when a partly received packet needs it. Valid
  // until commit(); invalidates what next() returned.
  std::span<uint8_t> prepare(size_t min_bytes);
  void commit(size_t n);

  // The next complete payload, or nullopt when more bytes are needed. Each frame must carry
  // `expected_seq`, which advances per frame (wrapping); a mismatch throws Error(Transient).
  // The view stays valid until the next call of next() or prepare().
  std::optional<ByteView> next(uint8_t& expected_seq);

  // Bytes received but not yet returned as packets.
  size_t buffered() const { return end_ - begin_; }
  // Forgets all buffered data (after a reconnect or TLS switch).
  void reset();

 private:
  Bytes buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  Bytes joined_;  // payload of a packet split over several frames
  bool joining_ = false;
  size_t wanted_ = 0;  // bytes the current frame still needs, beyond what is buffered
  uint64_t max_packet_bytes_;
};

}  // namespace starcdc::mysql::protocol
