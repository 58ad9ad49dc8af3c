// HttpClient: HTTP/1.1 requests to StarRocks FEs and BEs over keep-alive connections, with
// `Expect: 100-continue` (the body goes out only after the interim 100, so a redirect or an early
// error never carries it) and gather writes of the body pieces. One hop: redirects are followed
// by the caller. Thread: control. Beast stays inside http_client.cpp.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "sinks/starrocks/starrocks_options.hpp"

namespace starcdc::starrocks {

struct HttpRequest {
  std::string method;  // PUT, POST, GET
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string_view> body;  // pieces sent back to back; they must outlive the call
  bool expect_continue = false;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string location;  // of a redirect
};

// A transport failure. `maybe_delivered`: the server may have received the whole request (its
// effect is unknown); false means it certainly did not act on it.
class HttpError : public std::runtime_error {
 public:
  HttpError(const std::string& what, bool maybe_delivered)
      : std::runtime_error(what), maybe_delivered_(maybe_delivered) {}
  bool maybe_delivered() const { return maybe_delivered_; }

 private:
  bool maybe_delivered_;
};

struct HttpTimeouts {
  std::chrono::milliseconds connect{30000};
  std::chrono::milliseconds wait_for_continue{30000};
  std::chrono::milliseconds response{600000};
};

class HttpClient {
 public:
  HttpClient(asio::io_context& io, HttpTimeouts timeouts, std::string authorization);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `req` to `to`; throws HttpError on transport failure.
  asio::awaitable<HttpResponse> send(HostPort to, const HttpRequest& req);
  // Drops idle connections (e.g. after a server restart).
  void close_idle();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "Basic base64(user:password)".
std::string basic_authorization(const std::string& user, const std::string& password);

}  // namespace starcdc::starrocks
