// FE MySQL-protocol listener: handshake v10 with mysql_native_password, COM_QUERY, COM_PING,
// COM_QUIT, COM_INIT_DB; text result sets with EOF packets.
// Thread: the emulator's single io_context thread.
#pragma once

#include <cstdint>
#include <string>

#include "asio.hpp"

namespace emu {

class Emulator;

class MysqlListener {
 public:
  MysqlListener(asio::io_context& io, Emulator& emu, const std::string& host, uint16_t port);
  void open();
  void close();
  uint16_t port() const { return port_; }

 private:
  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket socket);

  asio::io_context& io_;
  Emulator& emu_;
  std::string host_;
  uint16_t port_;
  tcp::acceptor acceptor_;
  uint64_t generation_ = 0;
  uint32_t next_connection_id_ = 1;
};

}  // namespace emu
