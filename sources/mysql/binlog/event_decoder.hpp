// EventDecoder: raw binlog event bytes (from the network or a file) → DecodedEvent. Keeps what
// decoding needs across events: the current FORMAT_DESCRIPTION (checksum algorithm,
// post-header lengths), the TABLE_MAPs by table id, the options, and reusable buffers.
// Thread: pipeline (one decoder per binlog stream; not thread-safe).
//
// Lifetimes: a DecodedEvent's views point into the bytes given to decode() or into the
// decoder's decompression buffers, and are valid until the next decode() /
// next_payload_event() call (and while the caller's bytes live). A TableMap* stays valid until a
// TABLE_MAP with the same id but other contents arrives, or clear_tables(). Row values: see
// RowReader.
//
// Errors: a malformed event, a checksum mismatch or an undecodable value throws Error(Data) whose
// message names the event type and whose where() is "<file>:<offset>" (or the column).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/common/arena.hpp"
#include "sources/mysql/binlog/decoder_options.hpp"
#include "sources/mysql/binlog/events.hpp"
#include "sources/mysql/binlog/rows_event.hpp"
#include "sources/mysql/binlog/table_map.hpp"
#include "sources/mysql/binlog/transaction_payload.hpp"
#include "sources/mysql/binlog/value_decoder.hpp"

namespace starcdc::mysql::binlog {

class EventDecoder {
 public:
  explicit EventDecoder(DecoderOptions options = {});
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Checksum algorithm of the events before the first FORMAT_DESCRIPTION (the fake ROTATE of a
  // dump follows what the client declared in @source_binlog_checksum). Default: Off.
  void set_initial_checksum(ChecksumAlg alg) { checksum_ = alg; }
  // File name used in error locations until a ROTATE names one.
  void set_file_name(std::string name) { file_ = std::move(name); }
  const std::string& file_name() const { return file_; }

  // Decodes one whole event (header, body, checksum). Unknown event types come back as
  // UnknownEvent. A FORMAT_DESCRIPTION replaces the current one; a TABLE_MAP is cached.
  DecodedEvent decode(std::span<const uint8_t> event);
  // After decode() returned a TransactionPayloadEvent: its inner events, one per call, in order;
  // nullopt after the last. Each is decoded like decode() (no checksums inside a payload).
  std::optional<DecodedEvent> next_payload_event();
  // The rows of a RowsEvent returned by the last decode() or next_payload_event().
  RowReader rows(const RowsEvent& event);

  bool has_format() const { return has_format_; }
  const FormatDescription& format() const { return format_; }
  const DecoderOptions& options() const { return options_; }
  const TableMap* table(uint64_t table_id) const;
  size_t table_count() const { return tables_.size(); }
  // Sets the collation of every column (0 = unknown) of a cached table map, e.g. from the
  // source's own schema when the binlog carries no charset metadata; re-derives charsets.
  void set_column_collations(uint64_t table_id, std::span<const uint32_t> collations);
  void clear_tables() { tables_.clear(); }

 private:
  DecodedEvent decode_event(std::span<const uint8_t> event, bool inner);
  EventBody decode_body(const EventHeader& h, std::span<const uint8_t> event,
                        std::span<const uint8_t> body);
  EventBody decode_table_map(std::span<const uint8_t> body);
  EventBody decode_rows(const EventHeader& h, std::span<const uint8_t> body);
  std::string where(const EventHeader& h, bool inner) const;

  DecoderOptions options_;
  FormatDescription format_;
  bool has_format_ = false;
  ChecksumAlg checksum_ = ChecksumAlg::Off;
  std::string file_;
  std::unordered_map<uint64_t, std::unique_ptr<TableMap>> tables_;
  bool prune_tables_ = false;
  Arena arena_;
  ValueDecoder values_;
  RowBuffers row_buffers_;
  PayloadReader payload_;
  uint64_t payload_pos_ = 0;       // start offset of the payload event, for errors
  std::vector<uint8_t> inflated_;  // MariaDB compressed event, decompressed
};

}  // namespace starcdc::mysql::binlog
