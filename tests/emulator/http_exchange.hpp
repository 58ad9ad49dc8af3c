// One HTTP request/response exchange on a keep-alive connection, handed to the FE, BE and admin
// handlers. The body is read only when a handler asks for it, so a handler can answer (or
// redirect) from the headers alone, honour `Expect: 100-continue`, or drop the connection.
// Thread: the emulator's single io_context thread.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "asio.hpp"
#include "load_format.hpp"

namespace emu {

class Exchange {
 public:
  Exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
           http::request_parser<http::string_body>& parser, std::string& body_storage);

  const http::request<http::string_body>& request() const { return parser_.get(); }
  http::verb method() const { return parser_.get().method(); }
  const std::string& path() const { return path_; }
  const std::string& target() const { return target_; }
  // Query parameter (URL-decoded), empty if absent.
  std::string query(const std::string& key) const;
  const HeaderMap& headers() const { return headers_; }
  std::string header(const std::string& lower_name) const;
  uint64_t content_length() const;
  bool expects_continue() const;

  // Sends `100 Continue` if asked for, then reads the whole body. False on a read error.
  awaitable<bool> read_body();
  // Makes read_body() wait this long before sending `100 Continue` (fault injection).
  void set_continue_delay(std::chrono::milliseconds d) { continue_delay_ = d; }
  // Sends `100 Continue` if asked for, reads about `bytes` of the body, then the connection is
  // closed without a reply.
  awaitable<void> read_some_then_drop(uint64_t bytes);
  // The body read by read_body() (a per-connection buffer reused across requests).
  std::string& body() { return body_; }
  // True when the request body has been consumed (or there was none).
  bool body_complete() const { return body_read_ || parser_.is_done(); }

  void reply(http::status status, std::string body,
             const char* content_type = "application/json; charset=utf-8");
  void redirect(const std::string& location);
  void set_header(http::field f, const std::string& v) { response_.set(f, v); }
  void close_after() { close_ = true; }
  void drop() { drop_ = true; }  // no reply, close

  http::response<http::string_body>& response() { return response_; }
  bool close() const { return close_; }
  bool dropped() const { return drop_; }

 private:
  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::string_body>& parser_;
  std::string& body_;
  std::string target_;
  std::string path_;
  std::map<std::string, std::string> query_;
  HeaderMap headers_;
  http::response<http::string_body> response_;
  std::chrono::milliseconds continue_delay_{0};
  bool body_read_ = false;
  bool continue_sent_ = false;
  bool close_ = false;
  bool drop_ = false;
};

std::string url_decode(std::string_view s);

}  // namespace emu
