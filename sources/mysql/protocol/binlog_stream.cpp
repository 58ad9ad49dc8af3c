#include "sources/mysql/protocol/binlog_stream.hpp"

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/capabilities.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/protocol/packet_channel.hpp"
#include "sources/mysql/protocol/packets.hpp"

namespace starcdc::mysql::protocol {

asio::awaitable<void> BinlogStream::start(BinlogDump dump) {
  start_ = dump.file.empty() ? "the GTID position in @slave_connect_state"
                             : dump.file + ":" + std::to_string(dump.position);
  PacketChannel& ch = conn_.channel();
  where_ = dump.file.empty() ? ch.endpoint() : start_;
  ch.reset_sequence();
  co_await ch.write_packet(com_binlog_dump(dump));
}

asio::awaitable<void> BinlogStream::start_gtid(BinlogDumpGtid dump) {
  start_ = dump.file.empty() ? "the requested GTID set"
                             : dump.file + ":" + std::to_string(dump.position) + " with GTIDs";
  PacketChannel& ch = conn_.channel();
  where_ = dump.file.empty() ? ch.endpoint() : dump.file + ":" + std::to_string(dump.position);
  ch.reset_sequence();
  co_await ch.write_packet(com_binlog_dump_gtid(dump));
}

asio::awaitable<std::optional<ByteView>> BinlogStream::next() {
  // Each event arrives as one packet (reassembled when split): 0x00, then the event. An EOF
  // packet ends a non-blocking dump; an ERR ends any dump (MariaDB docs "Binlog network
  // stream"; MySQL sql/rpl_binlog_sender.cc).
  const ByteView packet = co_await conn_.channel().read_packet();
  if (!packet.empty() && packet[0] == header::kOk) {
    ++events_;
    bytes_ += packet.size() - 1;
    co_return packet.subspan(1);
  }
  if (is_eof(packet)) {
    co_return std::nullopt;
  }
  if (is_err(packet)) {
    const std::string& endpoint = conn_.channel().endpoint();
    ErrPacket err = parse_err(packet);
    const ErrorKind kind = error_kind_for(err.code);
    const std::string message = "binlog dump from " + endpoint + " starting at " + start_ +
                                " failed after " + std::to_string(events_) +
                                " events: " + describe(err);
    std::string hint;
    if (err.code == errc::kMasterFatalReadingBinlog) {
      hint =
          "the requested binlog position is not on the server (purged, or not a valid "
          "position); the source must start again from a new snapshot";
    }
    throw ServerError(kind, std::move(err), message, where_, hint);
  }
  WireReader(packet, "binlog stream").fail();
}

}  // namespace starcdc::mysql::protocol
