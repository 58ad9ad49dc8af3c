// Admin HTTP server (GET /healthz, /status, /metrics) on the control thread. Off unless
// `pipeline.admin.listen` is set. Beast stays inside admin_server.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pipeline/common/asio.hpp"

namespace starcdc {

struct AdminHandlers {
  std::function<bool()> healthy;         // 200 "ok" or 503
  std::function<std::string()> status;   // JSON
  std::function<std::string()> metrics;  // Prometheus text
};

class AdminServer {
 public:
  // Binds `listen` (host:port); throws Error(Config) when it cannot.
  AdminServer(asio::io_context& io, const std::string& listen, AdminHandlers handlers);
  ~AdminServer();
  // The bound port (useful with port 0).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starcdc
