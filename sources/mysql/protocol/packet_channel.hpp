// PacketChannel: one TCP connection to a MySQL/MariaDB server, optionally upgraded to TLS,
// reading and writing protocol packets (framing, splitting and sequence ids by PacketDecoder and
// encode_packet()). Every read and write is bounded by the current timeout. Transport failures
// throw Error(Transient) naming the endpoint; TLS certificate rejections throw Error(Refused).
// Thread: the thread running the io_context it was made with. Asio and OpenSSL stay in the .cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "pipeline/common/asio.hpp"
#include "sources/mysql/protocol/connect_options.hpp"
#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol {

struct TlsSettings {
  SslMode mode = SslMode::Required;  // Disabled is not valid here
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string host;  // checked against the certificate under VerifyIdentity; SNI for names
};

class PacketChannel {
 public:
  PacketChannel(asio::io_context& io, uint64_t max_packet_bytes);
  ~PacketChannel();
  PacketChannel(const PacketChannel&) = delete;
  PacketChannel& operator=(const PacketChannel&) = delete;

  // Resolves and connects within `timeout`; resets the sequence id.
  asio::awaitable<void> connect(std::string host, uint16_t port, std::chrono::milliseconds timeout);
  // Runs the TLS handshake on the open connection (after the SSLRequest was sent). A bad
  // ssl-ca / ssl-cert / ssl-key file throws Error(Config).
  asio::awaitable<void> start_tls(TlsSettings settings);

  // The next packet's payload (reassembled when split), valid until the next read.
  asio::awaitable<ByteView> read_packet();
  // A packet already received whole, without waiting (nullopt: read_packet() must read).
  std::optional<ByteView> buffered_packet();
  // Sends `payload` as one packet (split when needed) with the next sequence ids.
  asio::awaitable<void> write_packet(Bytes payload);

  // A new command starts at sequence id 0.
  void reset_sequence();
  // Longest wait for each read or write from now on; zero waits forever.
  void set_timeout(std::chrono::milliseconds timeout);

  bool is_open() const;
  bool tls_active() const;
  // "TLSv1.3 TLS_AES_256_GCM_SHA384", or empty without TLS.
  std::string tls_description() const;
  const std::string& endpoint() const;
  // Closes the socket; pending operations end with an error.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starcdc::mysql::protocol
