// SIGTERM/SIGINT: the first asks the runtime to finish the current checkpoint and stop (within
// shutdown.timeout); a second stops at once. SIGHUP is ignored (no reload). Thread: control.
#pragma once

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <functional>

#include "pipeline/common/asio.hpp"

namespace starcdc {

class SignalHandler {
 public:
  struct Actions {
    std::function<void()> graceful;   // first signal
    std::function<void()> timed_out;  // the graceful stop took longer than the timeout
    std::function<void()> immediate;  // second signal
  };
  SignalHandler(asio::io_context& io, std::chrono::milliseconds shutdown_timeout, Actions actions);

 private:
  void wait();

  boost::asio::signal_set signals_;
  asio::steady_timer timer_;
  std::chrono::milliseconds timeout_;
  Actions actions_;
  int count_ = 0;
};

}  // namespace starcdc
