// The v4 event header (19 bytes) and FORMAT_DESCRIPTION_EVENT: what every other event needs to be
// framed (post-header lengths, checksum algorithm, server flavor). Thread: pipeline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "sources/mysql/binlog/event_type.hpp"

namespace starcdc::mysql::binlog {

inline constexpr size_t kEventHeaderBytes = 19;
inline constexpr size_t kChecksumBytes = 4;

struct EventHeader {
  uint32_t timestamp = 0;  // seconds since the epoch; 0 for artificial events
  uint8_t type_code = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;  // header + body + checksum
  uint32_t log_pos = 0;     // end of this event in the source's file; 0 for artificial events
  uint16_t flags = 0;

  EventType type() const { return static_cast<EventType>(type_code); }
  bool artificial() const { return (flags & kFlagArtificial) != 0; }
  // Offset of this event in its file when log_pos is known, else 0.
  uint64_t start_pos() const { return log_pos >= event_size ? log_pos - event_size : 0; }
};

// Reads the 19-byte header; throws Error(Data) when fewer bytes are given.
EventHeader parse_event_header(std::span<const uint8_t> event);

enum class ChecksumAlg : uint8_t { Off = 0, Crc32 = 1, Undefined = 255 };
enum class Flavor : uint8_t { MySql, MariaDb };

struct ServerVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const ServerVersion&) const = default;
};

struct FormatDescription {
  uint16_t binlog_version = 4;
  std::string server_version;  // as written, e.g. "8.0.28", "10.11.6-MariaDB-log"
  ServerVersion version;       // parsed (a leading "5.5.5-" is skipped)
  Flavor flavor = Flavor::MySql;
  uint32_t create_timestamp = 0;
  uint8_t header_length = kEventHeaderBytes;
  uint16_t post_header_count = 0;  // entries present in the event
  // Post-header length by event type code; 0 for codes the event does not list.
  std::array<uint8_t, 256> post_header_lengths{};
  ChecksumAlg checksum = ChecksumAlg::Off;

  uint8_t post_header_length(EventType type) const {
    return post_header_lengths[static_cast<uint8_t>(type)];
  }
  // Width of table ids in TABLE_MAP and rows events: 4 when TABLE_MAP's post-header is 6 bytes
  // (pre-5.1 servers), else 6.
  size_t table_id_bytes() const { return post_header_length(EventType::TableMap) == 6 ? 4 : 6; }
  bool mariadb() const { return flavor == Flavor::MariaDb; }
};

// Parses a whole FORMAT_DESCRIPTION_EVENT (header included). The checksum algorithm byte is
// read only from servers that write one (MySQL >= 5.6.1, MariaDB >= 5.3); older ones get Off.
// Throws Error(Data) on a malformed event.
FormatDescription parse_format_description(std::span<const uint8_t> event);

// Splits "10.11.6-MariaDB-log" / "5.5.5-10.4.1-MariaDB" / "8.0.28" into numbers and flavor.
void parse_server_version(std::string_view text, ServerVersion& version, Flavor& flavor);

}  // namespace starcdc::mysql::binlog
