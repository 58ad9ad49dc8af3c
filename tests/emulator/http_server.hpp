// An HTTP listener (FE or BE role): accepts connections and runs one keep-alive session
// coroutine per connection, passing each request to the Emulator's handlers.
// Thread: the emulator's single io_context thread.
#pragma once

#include <cstdint>
#include <string>

#include "asio.hpp"

namespace emu {

class Emulator;

enum class HttpRole : uint8_t { kFe, kBe };

class HttpListener {
 public:
  HttpListener(asio::io_context& io, Emulator& emu, HttpRole role, const std::string& host,
               uint16_t port);
  // Binds (first call: the configured port, later calls: the port first bound) and accepts.
  void open();
  // Stops accepting and closes the listening socket (FE unreachable).
  void close();
  uint16_t port() const { return port_; }

 private:
  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket socket);

  asio::io_context& io_;
  Emulator& emu_;
  HttpRole role_;
  std::string host_;
  uint16_t port_;
  tcp::acceptor acceptor_;
  uint64_t generation_ = 0;
};

}  // namespace emu
