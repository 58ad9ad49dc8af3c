#include "sources/mysql/binlog/event_header.hpp"

#include <string_view>

#include "sources/mysql/binlog/byte_reader.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr size_t kServerVersionBytes = 50;  // ST_SERVER_VER_LEN
// binlog version (2) + server version (50) + create timestamp (4) + header length (1).
constexpr size_t kFdFixedBytes = 2 + kServerVersionBytes + 4 + 1;
// A version part stops growing here: no server has one this large, and a corrupt event's run of
// digits must not overflow the int.
constexpr int kMaxVersionPart = 1'000'000;

bool has_checksum_byte(const ServerVersion& v, Flavor flavor) {
  if (flavor == Flavor::MariaDb) {
    return v >= ServerVersion{5, 3, 0};
  }
  return v >= ServerVersion{5, 6, 1};
}

}  // namespace

EventHeader parse_event_header(std::span<const uint8_t> event) {
  ByteReader r(event);
  EventHeader h;
  r.need(kEventHeaderBytes, "the event header");
  h.timestamp = r.u32();
  h.type_code = r.u8();
  h.server_id = r.u32();
  h.event_size = r.u32();
  h.log_pos = r.u32();
  h.flags = r.u16();
  return h;
}

void parse_server_version(std::string_view text, ServerVersion& version, Flavor& flavor) {
  flavor = text.find("MariaDB") != std::string_view::npos ? Flavor::MariaDb : Flavor::MySql;
  if (text.starts_with("5.5.5-")) {
    text.remove_prefix(6);
  }
  int parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int& part : parts) {
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (part < kMaxVersionPart) {
        part = part * 10 + (text[i] - '0');
      }
      ++i;
    }
    if (i >= text.size() || text[i] != '.') {
      break;
    }
    ++i;
  }
  version = ServerVersion{parts[0], parts[1], parts[2]};
}

FormatDescription parse_format_description(std::span<const uint8_t> event) {
  const EventHeader h = parse_event_header(event);
  if (h.event_size != event.size()) {
    throw_malformed("FORMAT_DESCRIPTION_EVENT size does not match its header.");
  }
  ByteReader r(event.subspan(kEventHeaderBytes));
  FormatDescription fd;
  fd.binlog_version = r.u16("the binlog version");
  const std::string_view ver = r.str(kServerVersionBytes, "the server version");
  fd.server_version = std::string(ver.substr(0, ver.find('\0')));
  parse_server_version(fd.server_version, fd.version, fd.flavor);
  fd.create_timestamp = r.u32("the create timestamp");
  fd.header_length = r.u8("the header length");
  if (fd.header_length != kEventHeaderBytes) {
    throw_malformed("FORMAT_DESCRIPTION_EVENT declares a header length other than 19.");
  }
  size_t count = r.remaining();
  if (has_checksum_byte(fd.version, fd.flavor)) {
    // Algorithm byte + 4 checksum bytes end the event, present even when the algorithm is OFF.
    if (count < 1 + kChecksumBytes) {
      throw_truncated("the checksum algorithm");
    }
    count -= 1 + kChecksumBytes;
    const uint8_t alg = event[event.size() - 1 - kChecksumBytes];
    fd.checksum =
        alg == 1 ? ChecksumAlg::Crc32 : (alg == 0 ? ChecksumAlg::Off : ChecksumAlg::Undefined);
  }
  fd.post_header_count = static_cast<uint16_t>(count < 255 ? count : 255);
  for (size_t i = 0; i < fd.post_header_count; ++i) {
    fd.post_header_lengths[i + 1] = r.u8();
  }
  static_assert(kFdFixedBytes == 57);
  return fd;
}

}  // namespace starcdc::mysql::binlog
