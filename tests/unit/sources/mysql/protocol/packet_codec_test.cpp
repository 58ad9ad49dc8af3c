#include "sources/mysql/protocol/packet_codec.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"
#include "tests/unit/sources/mysql/protocol/hex.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::hex;
using test::unhex;

constexpr uint64_t kLimit = 64ULL << 20;

// Feeds `wire` into a decoder in pieces of the given sizes (cycled) and collects the payloads.
std::vector<Bytes> decode_all(const Bytes& wire, std::vector<size_t> pieces, uint8_t& seq,
                              uint64_t limit = kLimit) {
  PacketDecoder d(limit);
  std::vector<Bytes> out;
  size_t offset = 0;
  size_t piece = 0;
  for (;;) {
    while (auto p = d.next(seq)) {
      out.emplace_back(p->begin(), p->end());
    }
    if (offset == wire.size()) {
      break;
    }
    const size_t want = std::min(pieces[piece++ % pieces.size()], wire.size() - offset);
    auto space = d.prepare(want);
    const size_t n = std::min(want, space.size());
    std::copy_n(wire.begin() + static_cast<std::ptrdiff_t>(offset), n, space.begin());
    d.commit(n);
    offset += n;
  }
  CHECK(d.buffered() == 0);
  return out;
}

Bytes pattern(size_t n, uint8_t salt) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) {
    b[i] = static_cast<uint8_t>((i * 31 + salt) & 0xFF);
  }
  return b;
}

}  // namespace

TEST_CASE("a small payload becomes one frame with its length and sequence id",
          "[mysql][protocol]") {
  Bytes wire;
  CHECK(encode_packet(test::bytes_of("\x03SELECT 1"), 0, wire) == 1);
  CHECK(hex(wire) == "0900000003" + hex(test::bytes_of("SELECT 1")));
  Bytes empty;
  CHECK(encode_packet({}, 7, empty) == 8);
  CHECK(hex(empty) == "00000007");
}

TEST_CASE("payloads of 16 MiB - 1 bytes and more are split and joined again", "[mysql][protocol]") {
  for (const size_t size : {size_t{kMaxFramePayload} - 1, size_t{kMaxFramePayload},
                            size_t{kMaxFramePayload} + 10, size_t{kMaxFramePayload} * 2}) {
    const Bytes payload = pattern(size, static_cast<uint8_t>(size));
    Bytes wire;
    const uint8_t next = encode_packet(payload, 250, wire);
    const size_t frames = size / kMaxFramePayload + 1;
    CHECK(wire.size() == size + 4 * frames);
    CHECK(next == static_cast<uint8_t>(250 + frames));
    // A payload of exactly 0xFFFFFF bytes needs a trailing empty frame.
    if (size % kMaxFramePayload == 0) {
      CHECK(hex(Bytes(wire.end() - 4, wire.end())) ==
            hex(Bytes{0, 0, 0, static_cast<uint8_t>(next - 1)}));
    }
    uint8_t seq = 250;
    const auto packets = decode_all(wire, {1 << 20, 3, 65536}, seq);
    REQUIRE(packets.size() == 1);
    CHECK(packets[0] == payload);
    CHECK(seq == next);
  }
}

TEST_CASE("packets arriving in arbitrary pieces come out whole and in order", "[mysql][protocol]") {
  std::mt19937 rng(12345);
  Bytes wire;
  std::vector<Bytes> sent;
  uint8_t seq = 0;
  for (int i = 0; i < 300; ++i) {
    sent.push_back(pattern(rng() % 5000, static_cast<uint8_t>(i)));
    seq = encode_packet(sent.back(), seq, wire);
  }
  for (const auto& pieces : std::vector<std::vector<size_t>>{{1}, {3, 7}, {4096}, {100000}}) {
    uint8_t expected = 0;
    const auto got = decode_all(wire, pieces, expected);
    CHECK(got == sent);
    CHECK(expected == seq);
  }
}

TEST_CASE("sequence ids wrap from 255 to 0 without complaint", "[mysql][protocol]") {
  Bytes wire;
  uint8_t seq = 254;
  for (int i = 0; i < 4; ++i) {
    seq = encode_packet(test::bytes_of("x"), seq, wire);
  }
  CHECK(seq == 2);
  uint8_t expected = 254;
  CHECK(decode_all(wire, {5}, expected).size() == 4);
  CHECK(expected == 2);
}

TEST_CASE("a packet with the wrong sequence id is a transient error", "[mysql][protocol]") {
  const Bytes wire = unhex("01000005 41");
  uint8_t expected = 3;
  PacketDecoder d(kLimit);
  auto space = d.prepare(wire.size());
  std::copy(wire.begin(), wire.end(), space.begin());
  d.commit(wire.size());
  try {
    (void)d.next(expected);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Transient);
    CHECK(std::string(e.what()).find("sequence id 5, expected 3") != std::string::npos);
  }
}

TEST_CASE("a packet larger than the limit is refused before it is buffered", "[mysql][protocol]") {
  const Bytes header = unhex("ffff0000");  // announces 65535 bytes
  uint8_t expected = 0;
  PacketDecoder d(1000);
  auto space = d.prepare(header.size());
  std::copy(header.begin(), header.end(), space.begin());
  d.commit(header.size());
  CHECK_THROWS_AS(d.next(expected), Error);
}

TEST_CASE("the decoder asks for the rest of a large packet in one read", "[mysql][protocol]") {
  Bytes wire;
  encode_packet(pattern(300000, 1), 0, wire);
  PacketDecoder d(kLimit);
  uint8_t seq = 0;
  auto space = d.prepare(10);
  std::copy_n(wire.begin(), 10, space.begin());
  d.commit(10);
  CHECK_FALSE(d.next(seq).has_value());
  space = d.prepare(16);
  CHECK(space.size() >= wire.size() - 10);
  std::copy(wire.begin() + 10, wire.end(), space.begin());
  d.commit(wire.size() - 10);
  const auto p = d.next(seq);
  REQUIRE(p.has_value());
  CHECK(p->size() == 300000);
}

}  // namespace starcdc::mysql::protocol
