#include "sources/mysql/protocol/packet_channel.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/packet_codec.hpp"

namespace starcdc::mysql::protocol {
namespace {

namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kReadChunkBytes = 64U << 10;

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct PacketChannel::Impl {
  Impl(asio::io_context& io, uint64_t max_packet_bytes)
      : ioc(io), stream(io), decoder(max_packet_bytes) {}

  void arm() {
    if (timeout.count() > 0) {
      stream.expires_after(timeout);
    } else {
      stream.expires_never();
    }
  }

  [[noreturn]] void fail(const error_code& ec, const char* doing) {
    if (ec == beast::error::timeout) {
      throw Error(ErrorKind::Transient,
                  std::string("timed out ") + doing + " " + endpoint + " after " +
                      std::to_string(timeout.count()) + " ms",
                  endpoint,
                  "the server or the network is slow or gone; the read timeout should be a few "
                  "heartbeat periods");
    }
    if (ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == ssl::error::stream_truncated || ec == asio::error::broken_pipe) {
      throw Error(ErrorKind::Transient,
                  std::string("the server closed the connection while ") + doing + " " + endpoint +
                      " (" + ec.message() + ")",
                  endpoint);
    }
    throw Error(ErrorKind::Transient,
                std::string("network error while ") + doing + " " + endpoint + ": " + ec.message(),
                endpoint);
  }

  asio::io_context& ioc;
  beast::tcp_stream stream;
  std::unique_ptr<ssl::context> tls_context;
  std::unique_ptr<ssl::stream<beast::tcp_stream&>> tls;
  PacketDecoder decoder;
  Bytes out;
  uint8_t seq = 0;
  std::chrono::milliseconds timeout{0};
  std::string endpoint;
};

PacketChannel::PacketChannel(asio::io_context& io, uint64_t max_packet_bytes)
    : impl_(std::make_unique<Impl>(io, max_packet_bytes)) {}

PacketChannel::~PacketChannel() = default;

asio::awaitable<void> PacketChannel::connect(std::string host, uint16_t port,
                                             std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  m.endpoint = host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                                   : host + ":" + std::to_string(port);
  m.tls.reset();
  m.decoder.reset();
  m.seq = 0;
  m.timeout = timeout;
  tcp::resolver resolver(m.ioc);
  error_code ec;
  const auto endpoints = co_await resolver.async_resolve(
      host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    throw Error(ErrorKind::Transient, "cannot resolve " + m.endpoint + ": " + ec.message(),
                m.endpoint, "check the source's host name");
  }
  m.arm();
  co_await m.stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (ec == beast::error::timeout) {
      throw Error(ErrorKind::Transient,
                  "timed out connecting to " + m.endpoint + " after " +
                      std::to_string(timeout.count()) + " ms",
                  m.endpoint);
    }
    throw Error(ErrorKind::Transient, "cannot connect to " + m.endpoint + ": " + ec.message(),
                m.endpoint, "is the server running and reachable on this port?");
  }
  m.stream.socket().set_option(tcp::no_delay(true), ec);
}

asio::awaitable<void> PacketChannel::start_tls(TlsSettings settings) {
  Impl& m = *impl_;
  if (m.decoder.buffered() != 0) {
    throw Error(ErrorKind::Transient,
                "unexpected data from " + m.endpoint + " before the TLS handshake", m.endpoint);
  }
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3);
  const bool verify =
      settings.mode == SslMode::VerifyCa || settings.mode == SslMode::VerifyIdentity;
  error_code ec;
  if (verify) {
    context->set_verify_mode(ssl::verify_peer);
    if (!settings.ca_file.empty()) {
      context->load_verify_file(settings.ca_file, ec);
      if (ec) {
        throw Error(ErrorKind::Config,
                    "cannot load the CA file '" + settings.ca_file + "': " + ec.message(), {},
                    "ssl-ca must name a readable PEM file of CA certificates");
      }
    } else {
      context->set_default_verify_paths();
    }
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  if (!settings.cert_file.empty()) {
    context->use_certificate_chain_file(settings.cert_file, ec);
    if (!ec && !settings.key_file.empty()) {
      context->use_private_key_file(settings.key_file, ssl::context::pem, ec);
    }
    if (ec) {
      throw Error(ErrorKind::Config,
                  "cannot load the client certificate '" + settings.cert_file + "' or key '" +
                      settings.key_file + "': " + ec.message(),
                  {}, "ssl-cert and ssl-key must name readable PEM files that match");
    }
  }
  m.tls_context = std::move(context);
  m.tls = std::make_unique<ssl::stream<beast::tcp_stream&>>(m.stream, *m.tls_context);
  SSL* handle = m.tls->native_handle();
  const bool ip = is_ip_literal(settings.host);
  if (!ip && !settings.host.empty()) {
    // SNI: lets a proxy in front of the server pick the right certificate.
    // (SSL_set_tlsext_host_name() is a macro with a C cast.)
    SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(settings.host.c_str()));
  }
  if (settings.mode == SslMode::VerifyIdentity) {
    X509_VERIFY_PARAM* param = SSL_get0_param(handle);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, settings.host.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, settings.host.c_str(), 0);
    if (ok != 1) {
      throw Error(ErrorKind::Config,
                  "cannot check the server certificate against host '" + settings.host + "'");
    }
  }
  m.arm();
  co_await m.tls->async_handshake(ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    const long verdict = SSL_get_verify_result(handle);
    if (verify && verdict != X509_V_OK) {
      throw Error(ErrorKind::Refused,
                  "the TLS certificate of " + m.endpoint + " was not accepted (ssl-mode " +
                      std::string(ssl_mode_name(settings.mode)) +
                      "): " + X509_verify_cert_error_string(verdict),
                  m.endpoint,
                  settings.mode == SslMode::VerifyIdentity
                      ? "the certificate must be signed by a CA in ssl-ca and name the host we "
                        "connect to"
                      : "the certificate must be signed by a CA in ssl-ca");
    }
    m.fail(ec, "in the TLS handshake with");
  }
}

asio::awaitable<ByteView> PacketChannel::read_packet() {
  Impl& m = *impl_;
  for (;;) {
    if (auto packet = m.decoder.next(m.seq)) {
      co_return *packet;
    }
    const auto space = m.decoder.prepare(kReadChunkBytes);
    error_code ec;
    size_t n = 0;
    m.arm();
    if (m.tls) {
      n = co_await m.tls->async_read_some(asio::buffer(space.data(), space.size()),
                                          asio::redirect_error(asio::use_awaitable, ec));
    } else {
      n = co_await m.stream.async_read_some(asio::buffer(space.data(), space.size()),
                                            asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) {
      m.fail(ec, "reading from");
    }
    m.decoder.commit(n);
  }
}

std::optional<ByteView> PacketChannel::buffered_packet() { return impl_->decoder.next(impl_->seq); }

asio::awaitable<void> PacketChannel::write_packet(Bytes payload) {
  Impl& m = *impl_;
  m.out.clear();
  m.seq = encode_packet(payload, m.seq, m.out);
  error_code ec;
  m.arm();
  if (m.tls) {
    co_await asio::async_write(*m.tls, asio::buffer(m.out),
                               asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(m.stream, asio::buffer(m.out),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    m.fail(ec, "writing to");
  }
}

void PacketChannel::reset_sequence() { impl_->seq = 0; }

void PacketChannel::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

bool PacketChannel::is_open() const { return impl_->stream.socket().is_open(); }

bool PacketChannel::tls_active() const { return impl_->tls != nullptr; }

std::string PacketChannel::tls_description() const {
  if (!impl_->tls) {
    return {};
  }
  SSL* handle = impl_->tls->native_handle();
  return std::string(SSL_get_version(handle)) + " " + SSL_get_cipher_name(handle);
}

const std::string& PacketChannel::endpoint() const { return impl_->endpoint; }

void PacketChannel::close() {
  error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream.close();
}

}  // namespace starcdc::mysql::protocol
