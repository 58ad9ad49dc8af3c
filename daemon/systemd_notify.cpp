#include "daemon/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

namespace starcdc {

SystemdNotifier::SystemdNotifier(asio::io_context& io) : timer_(io) {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_ = std::chrono::microseconds(usec);
  }
}

void SystemdNotifier::ready(const std::string& status) {
  const std::string msg = "READY=1\nSTATUS=" + status;
  sd_notify(0, msg.c_str());
}

void SystemdNotifier::status(const std::string& status) {
  const std::string msg = "STATUS=" + status;
  sd_notify(0, msg.c_str());
}

void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1\nSTATUS=Stopping"); }

void SystemdNotifier::start_watchdog() {
  if (watchdog_) {
    schedule_ping();
  }
}

void SystemdNotifier::schedule_ping() {
  sd_notify(0, "WATCHDOG=1");
  timer_.expires_after(*watchdog_ / 2);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      schedule_ping();
    }
  });
}

}  // namespace starcdc
