#include "sources/mysql/protocol/connection.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "pipeline/common/error.hpp"
#include "sources/mysql/protocol/auth_exchange.hpp"
#include "sources/mysql/protocol/capabilities.hpp"
#include "sources/mysql/protocol/handshake.hpp"
#include "sources/mysql/protocol/packet_channel.hpp"

namespace starcdc::mysql::protocol {
namespace {

constexpr int kMaxAuthRoundTrips = 16;
constexpr size_t kSqlInMessageBytes = 120;
constexpr uint16_t kTableAccessDenied = 1142;  // ER_TABLEACCESS_DENIED_ERROR

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) {
    text << in.rdbuf();
  }
  if (!in || text.str().empty()) {
    throw Error(ErrorKind::Config, std::string("cannot read the ") + what + " '" + path + "'", path,
                "the file must exist, be readable by starcdc and hold a PEM key");
  }
  return text.str();
}

std::string shorten(const std::string& sql) {
  if (sql.size() <= kSqlInMessageBytes) {
    return sql;
  }
  return sql.substr(0, kSqlInMessageBytes) + "...";
}

}  // namespace

Connection::Connection(asio::io_context& io)
    : io_(io), channel_(std::make_unique<PacketChannel>(io, ConnectOptions{}.max_packet_bytes)) {}

Connection::~Connection() = default;

void Connection::server_error(ByteView payload, const std::string& what) const {
  ErrPacket err = parse_err(payload);
  const ErrorKind kind = error_kind_for(err.code);
  const std::string message = what + " on " + options_.endpoint() + " as user '" + options_.user +
                              "' failed: " + describe(err);
  std::string hint;
  if (err.code == errc::kSpecificAccessDenied || err.code == errc::kDbAccessDenied ||
      err.code == kTableAccessDenied) {
    hint = "grant the source user the privileges it needs (see the documentation)";
  }
  throw ServerError(kind, std::move(err), message, options_.endpoint(), hint);
}

asio::awaitable<void> Connection::connect(ConnectOptions options) {
  options_ = std::move(options);
  server_ = ServerInfo{};
  const std::string endpoint = options_.endpoint();
  // Key material first: a bad file is a configuration error, whatever the network does.
  std::string public_key;
  if (!options_.server_public_key_file.empty()) {
    public_key = read_file(options_.server_public_key_file, "server public key file");
  }
  channel_ = std::make_unique<PacketChannel>(io_, options_.max_packet_bytes);
  PacketChannel& ch = *channel_;
  co_await ch.connect(options_.host, options_.port, options_.connect_timeout);

  // Protocol::HandshakeV10, or an ERR (too many connections, host blocked...).
  ByteView greeting = co_await ch.read_packet();
  if (is_err(greeting)) {
    ErrPacket err = parse_err(greeting);
    const ErrorKind kind = error_kind_for(err.code);
    const std::string message =
        "MySQL server " + endpoint + " refused the connection: " + describe(err);
    throw ServerError(kind, std::move(err), message, endpoint);
  }
  const InitialHandshake hs = parse_initial_handshake(greeting);
  if ((hs.capabilities & cap::kProtocol41) == 0 ||
      (hs.capabilities & cap::kSecureConnection) == 0) {
    throw Error(ErrorKind::Refused,
                "MySQL server " + endpoint + " (" + hs.server_version +
                    ") does not speak the 4.1 protocol with secure authentication",
                endpoint, "MySQL 5.5 / MariaDB 5.5 or newer is required");
  }
  server_.version = hs.server_version;
  server_.mariadb = hs.is_mariadb();
  server_.connection_id = hs.connection_id;
  server_.server_capabilities = hs.capabilities;
  server_.mariadb_capabilities = hs.mariadb_capabilities;
  server_.collation = hs.collation;

  const bool server_tls = (hs.capabilities & cap::kSsl) != 0;
  bool tls = false;
  switch (options_.ssl_mode) {
    case SslMode::Disabled:
      break;
    case SslMode::Preferred:
      tls = server_tls;
      break;
    case SslMode::Required:
    case SslMode::VerifyCa:
    case SslMode::VerifyIdentity:
      if (!server_tls) {
        throw Error(ErrorKind::Refused,
                    "ssl-mode " + std::string(ssl_mode_name(options_.ssl_mode)) +
                        " requires TLS, but MySQL server " + endpoint + " (" + hs.server_version +
                        ") does not offer it",
                    endpoint, "enable TLS on the server, or lower ssl-mode");
      }
      tls = true;
      break;
  }
  const uint32_t caps = negotiate_capabilities(hs.capabilities, tls, !options_.database.empty());
  server_.capabilities = caps;
  const auto max_packet = static_cast<uint32_t>(
      std::min<uint64_t>(options_.max_packet_bytes, std::numeric_limits<uint32_t>::max()));
  if (tls) {
    co_await ch.write_packet(build_ssl_request(caps, max_packet, options_.collation));
    TlsSettings t;
    t.mode = options_.ssl_mode == SslMode::Preferred ? SslMode::Required : options_.ssl_mode;
    t.ca_file = options_.ssl_ca;
    t.cert_file = options_.ssl_cert;
    t.key_file = options_.ssl_key;
    t.host = options_.host;
    co_await ch.start_tls(std::move(t));
    server_.tls = ch.tls_description();
  }

  AuthSettings auth;
  auth.user = options_.user;
  auth.password = options_.password.reveal();
  auth.endpoint = endpoint;
  auth.tls = tls;
  auth.server_public_key_pem = std::move(public_key);
  auth.allow_public_key_retrieval = options_.allow_public_key_retrieval;
  AuthExchange exchange(std::move(auth));
  AuthExchange::Initial initial = exchange.start(hs.auth_plugin, hs.scramble);

  HandshakeResponse resp;
  resp.capabilities = caps;
  resp.max_packet_bytes = max_packet;
  resp.collation = options_.collation;
  resp.user = options_.user;
  resp.auth_response = std::move(initial.response);
  resp.database = options_.database;
  resp.auth_plugin = initial.plugin;
  resp.attributes = {{"_client_name", "starcdc"}, {"program_name", options_.program_name}};
  co_await ch.write_packet(build_handshake_response(resp));

  for (int round = 0;; ++round) {
    if (round >= kMaxAuthRoundTrips) {
      throw Error(ErrorKind::Refused,
                  "authentication with MySQL server " + endpoint + " does not finish", endpoint);
    }
    ByteView packet = co_await ch.read_packet();
    AuthExchange::Step step = exchange.on_packet(packet);
    if (step.kind == AuthExchange::StepKind::Done) {
      break;
    }
    if (step.kind == AuthExchange::StepKind::Send) {
      co_await ch.write_packet(std::move(step.data));
    }
  }
  server_.auth_plugin = exchange.plugin_name();
  ch.set_timeout(options_.read_timeout);
}

asio::awaitable<ResultSet> Connection::query(std::string sql) {
  PacketChannel& ch = *channel_;
  ch.reset_sequence();
  const std::string what = "query '" + shorten(sql) + "'";
  co_await ch.write_packet(com_query(sql));
  ResultSet rs;
  ByteView first = co_await ch.read_packet();
  if (is_err(first)) {
    server_error(first, what);
  }
  if (is_ok(first)) {
    rs.ok = parse_ok(first);
    co_return rs;
  }
  if (!first.empty() && first[0] == header::kLocalInfile) {
    // Never asked for (no CLIENT_LOCAL_FILES); a server sending it is not one we talk to.
    throw Error(ErrorKind::Refused, what + " on " + options_.endpoint() +
                                        " asked for a LOCAL INFILE transfer, which we refuse");
  }
  WireReader count_reader(first, "column count");
  const uint64_t columns = count_reader.lenenc();
  rs.columns.reserve(static_cast<size_t>(std::min<uint64_t>(columns, 4096)));
  for (uint64_t i = 0; i < columns; ++i) {
    rs.columns.push_back(parse_column_definition(co_await ch.read_packet()));
  }
  // Without CLIENT_DEPRECATE_EOF an EOF packet ends the column definitions.
  ByteView eof = co_await ch.read_packet();
  if (!is_eof(eof)) {
    WireReader(eof, "end of column definitions").fail();
  }
  for (;;) {
    ByteView row = co_await ch.read_packet();
    if (is_eof(row)) {
      // No further result sets can follow: CLIENT_MULTI_RESULTS is never requested.
      break;
    }
    if (is_err(row)) {
      server_error(row, what);
    }
    rs.rows.push_back(parse_text_row(row, rs.columns.size()));
  }
  co_return rs;
}

asio::awaitable<OkPacket> Connection::read_ok(const char* what) {
  ByteView reply = co_await channel_->read_packet();
  if (is_err(reply)) {
    server_error(reply, what);
  }
  if (!is_ok(reply)) {
    WireReader(reply, what).fail();
  }
  co_return parse_ok(reply);
}

asio::awaitable<void> Connection::ping() {
  channel_->reset_sequence();
  co_await channel_->write_packet(com_ping());
  co_await read_ok("COM_PING");
}

asio::awaitable<void> Connection::register_replica(RegisterReplica replica) {
  channel_->reset_sequence();
  co_await channel_->write_packet(com_register_slave(replica));
  co_await read_ok("COM_REGISTER_SLAVE");
}

asio::awaitable<void> Connection::quit() {
  if (channel_->is_open()) {
    try {
      channel_->reset_sequence();
      co_await channel_->write_packet(com_quit());
    } catch (const Error&) {
      // The connection is already broken; closing it is all that is left to do.
    }
  }
  close();
}

void Connection::close() { channel_->close(); }

bool Connection::is_open() const { return channel_->is_open(); }

}  // namespace starcdc::mysql::protocol
