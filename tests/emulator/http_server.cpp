#include "http_server.hpp"

#include <limits>

#include "emulator.hpp"

namespace emu {

HttpListener::HttpListener(asio::io_context& io, Emulator& emu, HttpRole role,
                           const std::string& host, uint16_t port)
    : io_(io), emu_(emu), role_(role), host_(host), port_(port), acceptor_(io) {}

void HttpListener::open() {
  tcp::endpoint ep(asio::ip::make_address(host_), port_);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  ++generation_;
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void HttpListener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

awaitable<void> HttpListener::accept_loop() {
  uint64_t gen = generation_;
  while (acceptor_.is_open() && gen == generation_) {
    boost::system::error_code ec;
    tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor_.is_open()) {
        co_return;
      }
      continue;
    }
    s.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io_, session(std::move(s)), asio::detached);
  }
}

awaitable<void> HttpListener::session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  std::string body;  // reused by every request on this connection
  boost::system::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(1024 * 1024);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(use_awaitable, ec));
    if (ec) {
      break;
    }
    if (role_ == HttpRole::kFe && emu_.fe_down()) {
      break;  // FE unreachable: existing connections die too
    }
    Exchange ex(stream, buffer, parser, body);
    ++emu_.stats().http_requests;
    if (ex.path().rfind("/_emulator/", 0) == 0) {
      co_await emu_.handle_admin(ex);
    } else if (role_ == HttpRole::kFe) {
      co_await emu_.handle_fe(ex);
    } else {
      co_await emu_.handle_be(ex);
    }
    if (emu_.options().verbose) {
      emu_.log(std::string(role_ == HttpRole::kFe ? "fe " : "be ") +
               std::string(http::to_string(ex.method())) + " " + ex.target() + " -> " +
               (ex.dropped() ? std::string("dropped")
                             : std::to_string(ex.response().result_int())));
    }
    if (ex.dropped()) {
      break;
    }
    // A body that was never read leaves the connection in an unknown state: close it.
    if (!ex.body_complete() || ex.close()) {
      ex.response().keep_alive(false);
    }
    co_await http::async_write(stream, ex.response(), asio::redirect_error(use_awaitable, ec));
    if (ec || !ex.response().keep_alive()) {
      break;
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.socket().close(ec);
}

}  // namespace emu
