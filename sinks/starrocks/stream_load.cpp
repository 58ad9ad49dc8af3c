#include "sinks/starrocks/stream_load.hpp"

#include "pipeline/common/error.hpp"

namespace starcdc::starrocks {
namespace {

constexpr int kMaxHops = 4;

// "http://host:port/path?q" → host/port and target.
bool parse_location(const std::string& url, HostPort* to, std::string* target) {
  std::string rest = url;
  if (rest.rfind("http://", 0) == 0) {
    rest = rest.substr(7);
  } else {
    return false;
  }
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  *target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::vector<HostPort> hosts;
  std::string error;
  if (!parse_host_list(authority, false, &hosts, &error)) {
    return false;
  }
  *to = hosts.front();
  return true;
}

}  // namespace

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

StarRocksApi::StarRocksApi(asio::io_context& io, const SinkSettings& settings)
    : settings_(settings),
      http_(io,
            HttpTimeouts{settings.connect_timeout, settings.continue_timeout,
                         settings.socket_timeout},
            basic_authorization(settings.username, settings.password)),
      fe_name_(settings.fe_http.front().str()) {}

asio::awaitable<LoadReply> StarRocksApi::request(std::string method, std::string target,
                                                 Headers headers,
                                                 std::vector<std::string_view> body,
                                                 bool expect_continue, std::string what) {
  HttpRequest req{std::move(method), std::move(target), std::move(headers), std::move(body),
                  expect_continue};
  const size_t fes = settings_.fe_http.size();
  for (size_t tried = 0;; ++tried) {
    HostPort to = settings_.fe_http[fe_index_ % fes];
    fe_name_ = to.str();
    try {
      for (int hop = 0; hop < kMaxHops; ++hop) {
        HttpResponse resp = co_await http_.send(to, req);
        if (resp.status == 401) {
          throw Error(ErrorKind::Refused,
                      "StarRocks refused the credentials of user '" + settings_.username + "'",
                      what + " at " + to.str(),
                      "check the sink's username and password (and the user's INSERT privilege)");
        }
        if (resp.status >= 300 && resp.status < 400 && !resp.location.empty()) {
          if (!parse_location(resp.location, &to, &req.target)) {
            co_return parse_reply(resp.status,
                                  "redirect to an unusable location: " + resp.location);
          }
          continue;
        }
        co_return parse_reply(resp.status, resp.body);
      }
      co_return parse_reply(0, "more than " + std::to_string(kMaxHops) + " redirects");
    } catch (const HttpError& e) {
      // An FE that never got the request: the next one may answer. Anything that may have
      // arrived is the caller's to resolve.
      if (e.maybe_delivered() || tried + 1 >= fes) {
        throw;
      }
      ++fe_index_;
    }
  }
}

asio::awaitable<LoadReply> StarRocksApi::transaction(std::string op, TableId table,
                                                     std::string label, Headers extra,
                                                     std::vector<std::string_view> body) {
  Headers h;
  h.emplace_back("label", label);
  h.emplace_back("db", table.database);
  h.emplace_back("table", table.table);
  for (auto& kv : extra) {
    h.push_back(std::move(kv));
  }
  const bool has_body = !body.empty();
  co_return co_await request(has_body ? "PUT" : "POST", "/api/transaction/" + op, std::move(h),
                             std::move(body), has_body,
                             op + " " + label + " (" + table.str() + ")");
}

asio::awaitable<LoadReply> StarRocksApi::stream_load(TableId table, std::string label,
                                                     Headers extra,
                                                     std::vector<std::string_view> body) {
  Headers h;
  h.emplace_back("label", label);
  for (auto& kv : extra) {
    h.push_back(std::move(kv));
  }
  co_return co_await request(
      "PUT", "/api/" + url_encode(table.database) + "/" + url_encode(table.table) + "/_stream_load",
      std::move(h), std::move(body), true, "stream load " + label + " (" + table.str() + ")");
}

asio::awaitable<LoadReply> StarRocksApi::load_state(std::string database, std::string label) {
  co_return co_await request(
      "GET", "/api/" + url_encode(database) + "/get_load_state?label=" + url_encode(label), {}, {},
      false, "get_load_state " + label);
}

}  // namespace starcdc::starrocks
