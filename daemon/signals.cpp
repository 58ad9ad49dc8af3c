#include "daemon/signals.hpp"

#include <csignal>

#include "pipeline/common/log.hpp"

namespace starcdc {

SignalHandler::SignalHandler(asio::io_context& io, std::chrono::milliseconds shutdown_timeout,
                             Actions actions)
    : signals_(io, SIGTERM, SIGINT),
      timer_(io),
      timeout_(shutdown_timeout),
      actions_(std::move(actions)) {
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
  wait();
}

void SignalHandler::wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) {
      return;
    }
    ++count_;
    if (count_ == 1) {
      log::info("daemon", "Signal received; stopping after the current checkpoint.",
                {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"},
                 {"timeout_ms", static_cast<int64_t>(timeout_.count())}});
      actions_.graceful();
      timer_.expires_after(timeout_);
      timer_.async_wait([this](const boost::system::error_code& tec) {
        if (!tec) {
          actions_.timed_out();
        }
      });
    } else {
      log::warn("daemon", "Second signal; stopping now. The last checkpoint stays valid.",
                {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
      actions_.immediate();
    }
    wait();
  });
}

}  // namespace starcdc
