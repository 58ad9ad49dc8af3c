#include "sources/mysql/protocol/query_cursor.hpp"

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/commands.hpp"
#include "sources/mysql/protocol/packet_channel.hpp"

namespace starcdc::mysql::protocol {
namespace {

constexpr size_t kSqlInMessageBytes = 120;

std::string shorten(const std::string& sql) {
  if (sql.size() <= kSqlInMessageBytes) {
    return sql;
  }
  return sql.substr(0, kSqlInMessageBytes) + "...";
}

}  // namespace

asio::awaitable<void> QueryCursor::start(std::string sql) {
  stream_ = ResultStream{};
  what_ = "query '" + shorten(sql) + "'";
  PacketChannel& ch = conn_.channel();
  ch.reset_sequence();
  co_await ch.write_packet(com_query(sql));
  for (;;) {
    const ByteView packet = co_await ch.read_packet();
    switch (stream_.feed(packet)) {
      case ResultStream::Step::More:
        continue;
      case ResultStream::Step::Err:
        conn_.server_error(packet, what_);
      case ResultStream::Step::Ok:
      case ResultStream::Step::Ready:
        co_return;
      case ResultStream::Step::NextRow:
      case ResultStream::Step::End:
        break;
    }
    WireReader(packet, "result set header").fail();
  }
}

asio::awaitable<const RowView*> QueryCursor::next() {
  if (stream_.finished()) {
    co_return nullptr;
  }
  const ByteView packet = co_await conn_.channel().read_packet();
  switch (stream_.feed(packet)) {
    case ResultStream::Step::NextRow:
      co_return &stream_.row();
    case ResultStream::Step::End:
      co_return nullptr;
    case ResultStream::Step::Err:
      conn_.server_error(packet, what_);
    default:
      break;
  }
  WireReader(packet, "result row").fail();
}

asio::awaitable<std::optional<ByteView>> QueryCursor::next_packet() {
  if (stream_.finished()) {
    co_return std::nullopt;
  }
  const ByteView packet = co_await conn_.channel().read_packet();
  switch (stream_.feed_unparsed(packet)) {
    case ResultStream::Step::NextRow:
      co_return packet;
    case ResultStream::Step::End:
      co_return std::nullopt;
    case ResultStream::Step::Err:
      conn_.server_error(packet, what_);
    default:
      break;
  }
  WireReader(packet, "result row").fail();
}

QueryCursor::Buffered QueryCursor::buffered_packet(ByteView* packet) {
  if (stream_.finished()) {
    return Buffered::End;
  }
  const std::optional<ByteView> p = conn_.channel().buffered_packet();
  if (!p) {
    return Buffered::Wait;
  }
  switch (stream_.feed_unparsed(*p)) {
    case ResultStream::Step::NextRow:
      *packet = *p;
      return Buffered::Got;
    case ResultStream::Step::End:
      return Buffered::End;
    case ResultStream::Step::Err:
      conn_.server_error(*p, what_);
    default:
      break;
  }
  WireReader(*p, "result row").fail();
}

asio::awaitable<uint64_t> QueryCursor::drain() {
  uint64_t n = 0;
  while (co_await next() != nullptr) {
    ++n;
  }
  co_return n;
}

}  // namespace starcdc::mysql::protocol
