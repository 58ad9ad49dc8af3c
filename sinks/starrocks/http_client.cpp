#include "sinks/starrocks/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>

namespace starcdc::starrocks {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr uint64_t kMaxResponseBytes = 64ULL << 20;
constexpr size_t kMaxIdlePerHost = 8;

bool stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == http::error::partial_message;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(in.data());
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t n = (uint32_t{b[i]} << 16) | (uint32_t{b[i + 1]} << 8) | b[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint32_t{b[i]} << 16;
    if (i + 1 < in.size()) {
      n |= uint32_t{b[i + 1]} << 8;
    }
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

std::string basic_authorization(const std::string& user, const std::string& password) {
  return "Basic " + base64(user + ":" + password);
}

struct Connection {
  explicit Connection(asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

struct HttpClient::Impl {
  Impl(asio::io_context& i, HttpTimeouts t, std::string auth)
      : io(i), resolver(i), timeouts(t), authorization(std::move(auth)) {}

  asio::awaitable<std::unique_ptr<Connection>> connect(const HostPort& to) {
    auto c = std::make_unique<Connection>(io);
    boost::system::error_code ec;
    auto results = co_await resolver.async_resolve(to.host, std::to_string(to.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      throw HttpError("cannot resolve " + to.str() + ": " + ec.message(), false);
    }
    c->stream.expires_after(timeouts.connect);
    co_await c->stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      throw HttpError("cannot connect to " + to.str() + ": " + ec.message(), false);
    }
    c->stream.socket().set_option(tcp::no_delay(true));
    co_return c;
  }

  std::string head(const HostPort& to, const HttpRequest& req, uint64_t body_size) const {
    std::string h;
    h.reserve(512);
    h += req.method;
    h += ' ';
    h += req.target;
    h += " HTTP/1.1\r\nHost: ";
    h += to.str();
    h += "\r\nAuthorization: ";
    h += authorization;
    h += "\r\nContent-Length: ";
    h += std::to_string(body_size);
    if (req.expect_continue && body_size > 0) {
      h += "\r\nExpect: 100-continue";
    }
    for (const auto& [k, v] : req.headers) {
      h += "\r\n";
      h += k;
      h += ": ";
      h += v;
    }
    h += "\r\n\r\n";
    return h;
  }

  static HttpResponse convert(const http::response<http::string_body>& r) {
    HttpResponse out;
    out.status = static_cast<int>(r.result_int());
    out.body = r.body();
    if (auto it = r.find(http::field::location); it != r.end()) {
      out.location = std::string(it->value());
    }
    return out;
  }

  asio::awaitable<http::response<http::string_body>> read_final(Connection& c) {
    for (;;) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBytes);
      co_await http::async_read(c.stream, c.buffer, parser, asio::use_awaitable);
      if (parser.get().result_int() >= 200) {
        co_return parser.release();
      }
      // Another interim response (100 without Expect); keep reading.
    }
  }

  asio::io_context& io;
  tcp::resolver resolver;
  HttpTimeouts timeouts;
  std::string authorization;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
};

HttpClient::HttpClient(asio::io_context& io, HttpTimeouts timeouts, std::string authorization)
    : impl_(std::make_unique<Impl>(io, timeouts, std::move(authorization))) {}

HttpClient::~HttpClient() = default;

void HttpClient::close_idle() { impl_->idle.clear(); }

asio::awaitable<HttpResponse> HttpClient::send(HostPort to, const HttpRequest& req) {
  uint64_t body_size = 0;
  for (const auto& piece : req.body) {
    body_size += piece.size();
  }
  const std::string key = to.str();
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> c;
    bool reused = false;
    auto& pool = impl_->idle[key];
    if (!pool.empty() && attempt == 0) {
      c = std::move(pool.back());
      pool.pop_back();
      reused = true;
    } else {
      c = co_await impl_->connect(to);
    }
    const std::string head = impl_->head(to, req, body_size);
    bool body_on_wire = false;
    bool got_bytes = false;
    try {
      c->stream.expires_after(impl_->timeouts.response);
      http::response<http::string_body> final_response;
      if (req.expect_continue && body_size > 0) {
        co_await asio::async_write(c->stream, asio::buffer(head), asio::use_awaitable);
        c->stream.expires_after(impl_->timeouts.wait_for_continue);
        http::response_parser<http::string_body> interim;
        interim.body_limit(kMaxResponseBytes);
        co_await http::async_read(c->stream, c->buffer, interim, asio::use_awaitable);
        got_bytes = true;
        if (interim.get().result_int() != 100) {
          // A final answer before the body (redirect, auth or header error): the connection
          // still expects a body that will never come, so it is not reused.
          co_return Impl::convert(interim.get());
        }
        std::vector<asio::const_buffer> body;
        for (const auto& piece : req.body) {
          body.emplace_back(piece.data(), piece.size());
        }
        c->stream.expires_after(impl_->timeouts.response);
        body_on_wire = true;
        co_await asio::async_write(c->stream, body, asio::use_awaitable);
      } else {
        std::vector<asio::const_buffer> all;
        all.emplace_back(head.data(), head.size());
        for (const auto& piece : req.body) {
          all.emplace_back(piece.data(), piece.size());
        }
        body_on_wire = true;
        co_await asio::async_write(c->stream, all, asio::use_awaitable);
      }
      final_response = co_await impl_->read_final(*c);
      HttpResponse out = Impl::convert(final_response);
      if (final_response.keep_alive() && pool.size() < kMaxIdlePerHost) {
        pool.push_back(std::move(c));
      }
      co_return out;
    } catch (const boost::system::system_error& e) {
      // A pooled connection the server closed while idle fails before any answer; the request
      // did not reach the application, so it goes once more on a fresh connection. A body that
      // was on the wire without an answer may have been applied: the caller must find out.
      const bool delivered = body_on_wire;
      if (reused && !got_bytes && stale_connection_error(e.code()) &&
          (!delivered || body_size == 0)) {
        continue;
      }
      const bool timeout = e.code() == beast::error::timeout;
      throw HttpError(std::string(timeout ? "timed out" : e.code().message()) + " talking to " +
                          key + " (" + req.method + " " + req.target + ")",
                      delivered);
    }
  }
}

}  // namespace starcdc::starrocks
