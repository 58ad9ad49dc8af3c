#include "http_exchange.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace emu {

std::string url_decode(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      r.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      r.push_back(' ');
    } else {
      r.push_back(s[i]);
    }
  }
  return r;
}

Exchange::Exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                   http::request_parser<http::string_body>& parser, std::string& body_storage)
    : stream_(stream), buffer_(buffer), parser_(parser), body_(body_storage) {
  body_.clear();
  const auto& req = parser_.get();
  target_ = std::string(req.target());
  std::string_view t = target_;
  auto q = t.find('?');
  path_ = std::string(t.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view qs = t.substr(q + 1);
    while (!qs.empty()) {
      auto amp = qs.find('&');
      std::string_view kv = qs.substr(0, amp);
      auto eq = kv.find('=');
      query_[url_decode(kv.substr(0, eq))] =
          eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1));
      if (amp == std::string_view::npos) {
        break;
      }
      qs.remove_prefix(amp + 1);
    }
  }
  for (const auto& f : req) {
    std::string name(f.name_string());
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    headers_[name] = std::string(f.value());
  }
  response_.version(req.version());
  response_.keep_alive(req.keep_alive());
}

std::string Exchange::query(const std::string& key) const {
  auto it = query_.find(key);
  return it == query_.end() ? std::string() : it->second;
}

std::string Exchange::header(const std::string& lower_name) const {
  auto it = headers_.find(lower_name);
  return it == headers_.end() ? std::string() : it->second;
}

uint64_t Exchange::content_length() const {
  auto cl = parser_.content_length();
  return cl ? *cl : 0;
}

bool Exchange::expects_continue() const {
  std::string e = header("expect");
  for (char& c : e) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return e == "100-continue";
}

awaitable<bool> Exchange::read_body() {
  if (body_read_) {
    co_return true;
  }
  boost::system::error_code ec;
  if (expects_continue() && !continue_sent_) {
    continue_sent_ = true;
    if (continue_delay_.count() > 0) {
      asio::steady_timer t(stream_.get_executor(), continue_delay_);
      co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    http::response<http::empty_body> cont{http::status::continue_, 11};
    co_await http::async_write(stream_, cont, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      drop_ = true;
      co_return false;
    }
  }
  if (parser_.is_done()) {
    body_ = std::move(parser_.get().body());
  } else if (parser_.content_length() && !parser_.chunked()) {
    // Fast path: copy what is buffered, then read the rest straight into the body with large
    // reads (Beast's parser would read and copy 64 KiB at a time).
    uint64_t total = *parser_.content_length();
    body_.resize(total);
    uint64_t have = std::min<uint64_t>(buffer_.size(), total);
    std::memcpy(body_.data(), buffer_.data().data(), have);
    buffer_.consume(have);
    while (have < total) {
      size_t n = co_await stream_.socket().async_read_some(
          asio::buffer(body_.data() + have, total - have), asio::redirect_error(use_awaitable, ec));
      if (ec) {
        drop_ = true;
        co_return false;
      }
      have += n;
    }
  } else {
    co_await http::async_read(stream_, buffer_, parser_, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      drop_ = true;
      co_return false;
    }
    body_ = std::move(parser_.get().body());
  }
  body_read_ = true;
  co_return true;
}

awaitable<void> Exchange::read_some_then_drop(uint64_t bytes) {
  boost::system::error_code ec;
  if (expects_continue() && !continue_sent_) {
    continue_sent_ = true;
    http::response<http::empty_body> cont{http::status::continue_, 11};
    co_await http::async_write(stream_, cont, asio::redirect_error(use_awaitable, ec));
  }
  uint64_t want = bytes > 0 ? bytes : std::max<uint64_t>(1, content_length() / 2);
  uint64_t got = buffer_.size();
  while (!ec && got < want && !parser_.is_done()) {
    size_t n = co_await http::async_read_some(stream_, buffer_, parser_,
                                              asio::redirect_error(use_awaitable, ec));
    if (n == 0) {
      break;
    }
    got += n;
  }
  drop_ = true;
}

void Exchange::reply(http::status status, std::string body, const char* content_type) {
  response_.result(status);
  response_.set(http::field::content_type, content_type);
  response_.body() = std::move(body);
  response_.prepare_payload();
}

void Exchange::redirect(const std::string& location) {
  response_.result(http::status::temporary_redirect);
  response_.set(http::field::location, location);
  response_.body().clear();
  response_.prepare_payload();
}

}  // namespace emu
