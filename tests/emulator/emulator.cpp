#include "emulator.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <unistd.h>

#include "http_server.hpp"
#include "json_builder.hpp"
#include "mysql_server.hpp"
#include "state_store.hpp"

namespace emu {
namespace {

constexpr auto kTickInterval = std::chrono::milliseconds(50);
constexpr size_t kMaxErrorLogs = 1000;

std::string base64_decode(std::string_view in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0;
  int bits = -8;
  for (char c : in) {
    if (c == '=') {
      break;
    }
    auto p = kChars.find(c);
    if (p == std::string::npos) {
      return {};
    }
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

// Returns false if the header is missing or not Basic.
bool parse_basic_auth(const std::string& header, std::string* user, std::string* password) {
  if (header.size() < 6 || (header.compare(0, 6, "Basic ") != 0 &&
                            header.compare(0, 6, "basic ") != 0)) {
    return false;
  }
  std::string decoded = base64_decode(std::string_view(header).substr(6));
  auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    return false;
  }
  *user = decoded.substr(0, colon);
  *password = decoded.substr(colon + 1);
  return true;
}

Emulator::Emulator(asio::io_context& io, Options options)
    : io_(io),
      options_(std::move(options)),
      txns_(catalog_, options_, stats_),
      sql_(catalog_, txns_, options_),
      timer_(io) {}

Emulator::~Emulator() = default;

void Emulator::start() {
  if (!options_.state_dir.empty()) {
    std::string error;
    if (!load_state(options_.state_dir, catalog_, txns_, &error)) {
      throw std::runtime_error(error);
    }
  }
  fe_http_ = std::make_unique<HttpListener>(io_, *this, HttpRole::kFe, options_.host,
                                            options_.fe_http_port);
  be_http_ = std::make_unique<HttpListener>(io_, *this, HttpRole::kBe, options_.host,
                                            options_.be_http_port);
  mysql_ = std::make_unique<MysqlListener>(io_, *this, options_.host, options_.mysql_port);
  fe_http_->open();
  be_http_->open();
  mysql_->open();
  housekeeping();
}

uint16_t Emulator::fe_http_port() const { return fe_http_->port(); }
uint16_t Emulator::be_http_port() const { return be_http_->port(); }
uint16_t Emulator::mysql_port() const { return mysql_->port(); }

std::string Emulator::ports_json() const {
  return JsonBuilder()
      .add("host", options_.host)
      .add("fe_http", static_cast<int64_t>(fe_http_port()))
      .add("be_http", static_cast<int64_t>(be_http_port()))
      .add("mysql", static_cast<int64_t>(mysql_port()))
      .add("pid", static_cast<int64_t>(::getpid()))
      .str();
}

void Emulator::log(const std::string& line) const {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char ts[32];
  std::strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
  std::fprintf(stderr, "%s starrocks-emulator: %s\n", ts, line.c_str());
}

void Emulator::shutdown() { save_if_changed(true); }

void Emulator::save_if_changed(bool force) {
  if (options_.state_dir.empty()) {
    return;
  }
  uint64_t activity = stats_.http_requests + stats_.mysql_queries + stats_.txn_aborted +
                      stats_.txn_committed;
  bool due = Clock::now() - last_save_ >= std::chrono::seconds(1);
  if (!force && (activity == saved_activity_ || !due)) {
    return;
  }
  std::string error;
  if (!save_state(options_.state_dir, catalog_, txns_, &error)) {
    log("cannot save state: " + error);
  }
  saved_activity_ = activity;
  last_save_ = Clock::now();
}

void Emulator::housekeeping() {
  txns_.tick();
  save_if_changed(false);
  sql_.tick();
  if (fe_down_ && Clock::now() >= fe_up_at_) {
    fe_down_ = false;
    fe_http_->open();
    mysql_->open();
    log("FE reachable again");
  }
  timer_.expires_after(kTickInterval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      housekeeping();
    }
  });
}

void Emulator::set_fe_down(int64_t duration_ms) {
  if (!fe_down_) {
    fe_http_->close();
    mysql_->close();
  }
  fe_down_ = true;
  fe_up_at_ = Clock::now() + std::chrono::milliseconds(duration_ms);
  log("FE unreachable for " + std::to_string(duration_ms) + " ms");
}

bool Emulator::check_fe_auth(Exchange& ex) {
  std::string user;
  std::string password;
  if (parse_basic_auth(ex.header("authorization"), &user, &password) &&
      user == options_.user && password == options_.password) {
    return true;
  }
  // RestBaseAction: UnauthorizedException -> 401 + WWW-Authenticate (body unconfirmed).
  ex.set_header(http::field::www_authenticate, "Basic realm=\"\"");
  ex.reply(http::status::unauthorized,
           JsonBuilder()
               .add("status", "FAILED")
               .add("code", "1")
               .add("msg", "Access denied for user '" + user + "'. Check the user name and "
                           "password.")
               .add("message", "Access denied")
               .str());
  ex.close_after();
  return false;
}

std::string Emulator::be_auth_error(const Exchange& ex) const {
  std::string user;
  std::string password;
  if (!parse_basic_auth(ex.header("authorization"), &user, &password)) {
    return "no valid Basic authorization";
  }
  if (user != options_.user || password != options_.password) {
    return "Access denied for user '" + user + "'@'" + options_.host + "' (using password: " +
           (password.empty() ? "NO" : "YES") + ")";
  }
  return {};
}

bool Emulator::inject_http_error(Exchange& ex, const std::string& endpoint, const std::string& db,
                                 const std::string& table, const std::string& label) {
  auto f = faults_.take(FaultKind::kHttpError, endpoint, db, table, label);
  if (!f) {
    return false;
  }
  std::string body = f->body.empty() ? "injected HTTP error " + std::to_string(f->status)
                                     : f->body;
  ex.reply(static_cast<http::status>(f->status), body, "text/plain; charset=utf-8");
  ex.close_after();
  return true;
}

awaitable<void> Emulator::apply_delay(const std::string& endpoint, const std::string& db,
                                      const std::string& table, const std::string& label) {
  auto f = faults_.take(FaultKind::kDelay, endpoint, db, table, label);
  if (f && f->delay_ms > 0) {
    asio::steady_timer t(io_, std::chrono::milliseconds(f->delay_ms));
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

awaitable<void> Emulator::sleep_ms(int64_t ms) {
  if (ms > 0) {
    asio::steady_timer t(io_, std::chrono::milliseconds(ms));
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

void Emulator::restart_be(int64_t abort_after_ms) {
  std::vector<int64_t> ids;
  for (const Txn* t : txns_.list("")) {
    if (t->state == TxnState::kPrepare && !t->plain) {
      ids.push_back(t->id);
    }
  }
  for (int64_t id : ids) {
    txns_.by_id(id)->be_context = false;
  }
  log("BE restarted: " + std::to_string(ids.size()) + " PREPARE txn(s) lost their context");
  // transaction_mgr.cpp / TransactionLoadCoordinatorMgr: the FE aborts the txns of a dead
  // coordinator once it notices (heartbeat).
  auto timer = std::make_shared<asio::steady_timer>(io_,
                                                    std::chrono::milliseconds(abort_after_ms));
  timer->async_wait([this, timer, ids](const boost::system::error_code&) {
    for (int64_t id : ids) {
      if (Txn* t = txns_.by_id(id); t != nullptr && t->state == TxnState::kPrepare) {
        txns_.abort(t, "coordinate BE is down");
      }
    }
  });
}

std::string Emulator::be_location(const Exchange& ex) const {
  return "http://" + options_.host + ":" + std::to_string(be_http_port()) + ex.target();
}

std::string Emulator::store_error_log(const std::vector<std::string>& errors) {
  char name[64];
  std::snprintf(name, sizeof(name), "error_log_%016llx_%016llx",
                static_cast<unsigned long long>(next_error_log_),
                static_cast<unsigned long long>(std::time(nullptr)));
  ++next_error_log_;
  std::string text;
  for (const std::string& e : errors) {
    text += e + "\n";
  }
  error_logs_[name] = std::move(text);
  error_log_order_.push_back(name);
  if (error_log_order_.size() > kMaxErrorLogs) {
    error_logs_.erase(error_log_order_.front());
    error_log_order_.pop_front();
  }
  return "http://" + options_.host + ":" + std::to_string(be_http_port()) +
         "/api/_load_error_log?file=" + name;
}

}  // namespace emu
