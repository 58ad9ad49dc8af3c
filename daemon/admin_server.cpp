#include "daemon/admin_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"

namespace starcdc {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr std::string_view kComponent = "daemon.admin";

http::response<http::string_body> respond(const AdminHandlers& h,
                                          const http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(http::field::server, "starcdc");
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::content_type, "text/plain");
    res.body() = "only GET\n";
  } else if (path == "/healthz") {
    const bool ok = h.healthy();
    res.result(ok ? http::status::ok : http::status::service_unavailable);
    res.set(http::field::content_type, "text/plain");
    res.body() = ok ? "ok\n" : "unhealthy\n";
  } else if (path == "/status") {
    res.result(http::status::ok);
    res.set(http::field::content_type, "application/json");
    res.body() = h.status() + "\n";
  } else if (path == "/metrics") {
    res.result(http::status::ok);
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = h.metrics();
  } else {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain");
    res.body() = "not found; try /healthz, /status or /metrics\n";
  }
  res.prepare_payload();
  return res;
}

asio::awaitable<void> serve(tcp::socket socket, const AdminHandlers& handlers) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    stream.expires_after(std::chrono::seconds(30));
    boost::system::error_code ec;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return;
    }
    auto res = respond(handlers, req);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !res.keep_alive()) {
      co_return;
    }
  }
}

}  // namespace

struct AdminServer::Impl {
  Impl(asio::io_context& io, AdminHandlers h) : acceptor(io), handlers(std::move(h)) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted) {
          co_return;
        }
        continue;
      }
      asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), handlers), asio::detached);
    }
  }

  tcp::acceptor acceptor;
  AdminHandlers handlers;
};

AdminServer::AdminServer(asio::io_context& io, const std::string& listen, AdminHandlers handlers)
    : impl_(std::make_unique<Impl>(io, std::move(handlers))) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const auto port = static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    throw Error(ErrorKind::Config, "admin.listen: '" + host + "' is not an IP address", listen,
                "use an address such as 127.0.0.1:8089");
  }
  tcp::endpoint ep(address, port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep, ec);
  if (ec) {
    throw Error(ErrorKind::Config, "admin.listen: cannot bind: " + ec.message(), listen,
                "choose a free port, or remove admin.listen");
  }
  impl_->acceptor.listen();
  log::info(kComponent, "Admin server listening.",
            {{"address", std::string_view(listen)},
             {"port", static_cast<uint64_t>(impl_->acceptor.local_endpoint().port())}});
  asio::co_spawn(io, impl_->accept_loop(), asio::detached);
}

AdminServer::~AdminServer() {
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

uint16_t AdminServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace starcdc
