// sd_notify: READY=1 after recovery, STATUS= lines, WATCHDOG=1 when WatchdogSec is set,
// STOPPING=1. Does nothing when not started by systemd (no $NOTIFY_SOCKET). Thread: control.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "pipeline/common/asio.hpp"

namespace starcdc {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(asio::io_context& io);
  void ready(const std::string& status);
  void status(const std::string& status);
  void stopping();
  // Starts WATCHDOG=1 pings at half the WatchdogSec interval, if systemd asked for them.
  void start_watchdog();
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  void schedule_ping();

  asio::steady_timer timer_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace starcdc
