#include "mysql_server.hpp"

#include <random>

#include "emulator.hpp"
#include "mysql_packets.hpp"

namespace emu {
namespace {

// COM_* command bytes.
constexpr uint8_t kComQuit = 0x01;
constexpr uint8_t kComInitDb = 0x02;
constexpr uint8_t kComQuery = 0x03;
constexpr uint8_t kComFieldList = 0x04;
constexpr uint8_t kComPing = 0x0e;
constexpr uint8_t kComSetOption = 0x1b;
constexpr uint8_t kComResetConnection = 0x1f;

std::string make_scramble() {
  static std::mt19937 rng(std::random_device{}());
  std::string s(20, '\0');
  for (char& c : s) {
    c = static_cast<char>(33 + rng() % 90);  // printable, no NUL
  }
  return s;
}

struct Packet {
  uint8_t seq = 0;
  std::string payload;
};

awaitable<bool> read_packet(tcp::socket& s, Packet* p) {
  boost::system::error_code ec;
  p->payload.clear();
  for (;;) {
    unsigned char hdr[4];
    co_await asio::async_read(s, asio::buffer(hdr, 4), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      co_return false;
    }
    size_t len = hdr[0] | (hdr[1] << 8) | (hdr[2] << 16);
    p->seq = hdr[3];
    size_t old = p->payload.size();
    p->payload.resize(old + len);
    if (len > 0) {
      co_await asio::async_read(s, asio::buffer(p->payload.data() + old, len),
                                asio::redirect_error(use_awaitable, ec));
      if (ec) {
        co_return false;
      }
    }
    if (len < 0xffffff) {
      co_return true;
    }
  }
}

awaitable<bool> write_all(tcp::socket& s, const std::string& data) {
  boost::system::error_code ec;
  co_await asio::async_write(s, asio::buffer(data), asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

}  // namespace

MysqlListener::MysqlListener(asio::io_context& io, Emulator& emu, const std::string& host,
                             uint16_t port)
    : io_(io), emu_(emu), host_(host), port_(port), acceptor_(io) {}

void MysqlListener::open() {
  tcp::endpoint ep(asio::ip::make_address(host_), port_);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  ++generation_;
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void MysqlListener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

awaitable<void> MysqlListener::accept_loop() {
  uint64_t gen = generation_;
  while (acceptor_.is_open() && gen == generation_) {
    boost::system::error_code ec;
    tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor_.is_open()) {
        co_return;
      }
      continue;
    }
    s.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io_, session(std::move(s)), asio::detached);
  }
}

awaitable<void> MysqlListener::session(tcp::socket socket) {
  const Options& opt = emu_.options();
  std::string scramble = make_scramble();
  uint8_t seq = 0;
  std::string out;
  // StarRocks reports a MySQL 5.1-compatible server version in the handshake.
  mysql::append_packet(mysql::handshake_v10("5.1.0", next_connection_id_++, scramble), &seq,
                       &out);
  if (!co_await write_all(socket, out)) {
    co_return;
  }
  Packet pkt;
  if (!co_await read_packet(socket, &pkt)) {
    co_return;
  }
  mysql::HandshakeResponse hs;
  if (!mysql::parse_handshake_response(pkt.payload, &hs)) {
    co_return;
  }
  seq = static_cast<uint8_t>(pkt.seq + 1);
  std::string token = hs.auth_response;
  if (!hs.plugin.empty() && hs.plugin != "mysql_native_password") {
    // AuthSwitchRequest to mysql_native_password with the same scramble.
    std::string sw(1, static_cast<char>(0xfe));
    sw += "mysql_native_password";
    sw.push_back('\0');
    sw += scramble;
    sw.push_back('\0');
    out.clear();
    mysql::append_packet(sw, &seq, &out);
    if (!co_await write_all(socket, out) || !co_await read_packet(socket, &pkt)) {
      co_return;
    }
    token = pkt.payload;
    seq = static_cast<uint8_t>(pkt.seq + 1);
  }
  out.clear();
  std::string current_db = hs.database;
  if (hs.user != opt.user || !mysql::check_native_password(opt.password, scramble, token)) {
    mysql::append_packet(mysql::err_payload(1045, "28000",
                                            "Access denied for user '" + hs.user + "'@'" +
                                                opt.host + "' (using password: " +
                                                (token.empty() ? "NO" : "YES") + ")"),
                         &seq, &out);
    co_await write_all(socket, out);
    co_return;
  }
  if (!current_db.empty() && emu_.catalog().find_db(current_db) == nullptr) {
    mysql::append_packet(mysql::err_payload(1049, "42000", "Unknown database '" + current_db +
                                                               "'"),
                         &seq, &out);
    co_await write_all(socket, out);
    co_return;
  }
  mysql::append_packet(mysql::ok_payload(0), &seq, &out);
  if (!co_await write_all(socket, out)) {
    co_return;
  }
  for (;;) {
    if (!co_await read_packet(socket, &pkt) || pkt.payload.empty() || emu_.fe_down()) {
      break;
    }
    seq = 1;
    out.clear();
    auto cmd = static_cast<uint8_t>(pkt.payload[0]);
    std::string arg = pkt.payload.substr(1);
    if (cmd == kComQuit) {
      break;
    }
    if (cmd == kComPing || cmd == kComResetConnection) {
      mysql::append_packet(mysql::ok_payload(0), &seq, &out);
    } else if (cmd == kComInitDb) {
      if (emu_.catalog().find_db(arg) == nullptr) {
        mysql::append_packet(mysql::err_payload(1049, "42000", "Unknown database '" + arg + "'"),
                             &seq, &out);
      } else {
        current_db = arg;
        mysql::append_packet(mysql::ok_payload(0), &seq, &out);
      }
    } else if (cmd == kComFieldList || cmd == kComSetOption) {
      mysql::append_packet(mysql::eof_payload(), &seq, &out);
    } else if (cmd == kComQuery) {
      ++emu_.stats().mysql_queries;
      SqlResult r = emu_.sql().execute(arg, &current_db);
      if (opt.verbose) {
        emu_.log("mysql " + arg.substr(0, 200) + " -> " +
                 (r.kind == SqlResult::Kind::kError ? "ERROR " + r.message : "ok"));
      }
      if (r.kind == SqlResult::Kind::kError) {
        mysql::append_packet(mysql::err_payload(r.error_code, r.sql_state, r.message), &seq,
                             &out);
      } else if (r.kind == SqlResult::Kind::kOk) {
        mysql::append_packet(mysql::ok_payload(r.affected), &seq, &out);
      } else {
        mysql::append_result_set(r, &seq, &out);
      }
    } else {
      mysql::append_packet(mysql::err_payload(1047, "08S01", "Unknown command"), &seq, &out);
    }
    if (!co_await write_all(socket, out)) {
      break;
    }
  }
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace emu
