#include "sources/mysql/protocol/wire.hpp"

#include <catch2/catch.hpp>

#include "pipeline/common/error.hpp"
#include "tests/unit/sources/mysql/protocol/hex.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::hex;
using test::unhex;

Bytes lenenc_bytes(uint64_t v) {
  Bytes out;
  WireWriter(out).lenenc(v);
  return out;
}

}  // namespace

TEST_CASE("length-encoded integers use the shortest form at every boundary", "[mysql][protocol]") {
  CHECK(hex(lenenc_bytes(0)) == "00");
  CHECK(hex(lenenc_bytes(250)) == "fa");
  CHECK(hex(lenenc_bytes(251)) == "fcfb00");
  CHECK(hex(lenenc_bytes(0xFFFF)) == "fcffff");
  CHECK(hex(lenenc_bytes(0x10000)) == "fd000001");
  CHECK(hex(lenenc_bytes(0xFFFFFF)) == "fdffffff");
  CHECK(hex(lenenc_bytes(0x1000000)) == "fe0000000100000000");
  CHECK(hex(lenenc_bytes(UINT64_MAX)) == "feffffffffffffffff");
  for (const uint64_t v :
       {uint64_t{0}, uint64_t{250}, uint64_t{251}, uint64_t{0xFFFF}, uint64_t{0x10000},
        uint64_t{0xFFFFFF}, uint64_t{0x1000000}, uint64_t{1} << 40, UINT64_MAX}) {
    const Bytes b = lenenc_bytes(v);
    CHECK(b.size() == lenenc_size(v));
    WireReader r(b, "test");
    CHECK(r.lenenc() == v);
    CHECK(r.empty());
  }
}

TEST_CASE("0xFB reads as SQL NULL and 0xFF is not a length", "[mysql][protocol]") {
  const Bytes null_then_string = unhex("fb 03 616263");
  WireReader r(null_then_string, "row");
  CHECK_FALSE(r.lenenc_string_or_null().has_value());
  CHECK(r.lenenc_string_or_null() == std::optional<std::string_view>("abc"));

  const Bytes bad = unhex("ff");
  WireReader bad_reader(bad, "row");
  CHECK_THROWS_AS(bad_reader.lenenc(), Error);
  const Bytes null_only = unhex("fb");
  WireReader null_reader(null_only, "row");
  CHECK_THROWS_AS(null_reader.lenenc(), Error);
}

TEST_CASE("fixed-width integers are little-endian", "[mysql][protocol]") {
  Bytes out;
  WireWriter w(out);
  w.u16(0x0102);
  w.u24(0x030405);
  w.u32(0x06070809);
  w.u64(0x0A0B0C0D0E0F1011ULL);
  CHECK(hex(out) ==
        "0201"
        "050403"
        "09080706"
        "11100f0e0d0c0b0a");
  WireReader r(out, "test");
  CHECK(r.u16() == 0x0102);
  CHECK(r.u24() == 0x030405);
  CHECK(r.u32() == 0x06070809U);
  CHECK(r.u64() == 0x0A0B0C0D0E0F1011ULL);
}

TEST_CASE("reading past the end names the packet in the error", "[mysql][protocol]") {
  const Bytes two = unhex("0102");
  WireReader r(two, "greeting");
  try {
    (void)r.u32();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Transient);
    CHECK(std::string(e.what()).find("malformed greeting packet") != std::string::npos);
  }
  const Bytes long_string = unhex("05 6162");  // says 5 bytes, has 2
  WireReader s(long_string, "row");
  CHECK_THROWS_AS(s.lenenc_string(), Error);
}

TEST_CASE("NUL-terminated strings stop at the NUL, or take the rest when allowed",
          "[mysql][protocol]") {
  const Bytes data = unhex("616200 6364");
  WireReader r(data, "test");
  CHECK(r.null_terminated() == "ab");
  WireReader copy = r;
  CHECK_THROWS_AS(r.null_terminated(), Error);
  CHECK(copy.null_terminated_or_rest() == "cd");
  CHECK(copy.empty());
}

}  // namespace starcdc::mysql::protocol
