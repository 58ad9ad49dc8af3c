#include "sinks/starrocks/fe_sql.hpp"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <boost/asio/thread_pool.hpp>
#include <mutex>
#include <thread>

#include "pipeline/common/error.hpp"
#include "pipeline/common/log.hpp"

namespace starcdc::starrocks {
namespace {

constexpr int kAccessDenied = 1045;
constexpr int kDbAccessDenied = 1044;
constexpr int kTableAccessDenied = 1142;

bool connection_error(int code) { return code >= 2000 && code < 3000; }  // client-side codes

}  // namespace

struct FeSql::Impl {
  explicit Impl(const SinkSettings& s) : settings(s), pool(1) {}
  ~Impl() { pool.join(); }

  // Connects, retrying with backoff while no FE answers (this thread only does SQL, so it may
  // sleep). Gives up after sink.max-retries with Error(Transient).
  sql::Connection& connection() {
    if (conn && !conn->isClosed()) {
      return *conn;
    }
    for (int attempt = 0;; ++attempt) {
      try {
        return connect_once();
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::Transient || attempt >= settings.max_retries) {
          throw;
        }
        auto wait = settings.retry_interval * (1LL << std::min(attempt, 10));
        wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(30));
        log::warn("sink.starrocks", "StarRocks request failed; retrying.",
                  {{"request", "connect to the FE's MySQL port"},
                   {"error", std::string_view(e.what())},
                   {"attempt", attempt + 1},
                   {"wait_ms", static_cast<int64_t>(wait.count())}});
        std::this_thread::sleep_for(wait);
      }
    }
  }

  sql::Connection& connect_once() {
    conn.reset();
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::string last_error;
    for (size_t i = 0; i < settings.fe_sql.size(); ++i) {
      const HostPort& hp = settings.fe_sql[(next + i) % settings.fe_sql.size()];
      try {
        sql::ConnectOptionsMap options;
        options["hostName"] = "tcp://" + hp.str();
        options["userName"] = settings.username;
        options["password"] = settings.password;
        options["OPT_CONNECT_TIMEOUT"] = static_cast<int>(
            std::chrono::duration_cast<std::chrono::seconds>(settings.connect_timeout).count());
        conn.reset(driver->connect(options));
        next = (next + i) % settings.fe_sql.size();
        return *conn;
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kAccessDenied) {
          throw Error(
              ErrorKind::Refused,
              "StarRocks refused the credentials of user '" + settings.username + "': " + e.what(),
              hp.str(), "check the sink's username and password");
        }
        last_error = hp.str() + ": " + e.what();
      }
    }
    throw Error(ErrorKind::Transient, "cannot connect to a StarRocks FE: " + last_error, "jdbc-url",
                "check that the FE's MySQL port is reachable");
  }

  std::vector<SqlRow> run(const std::string& statement, const std::string& what, bool rows) {
    std::lock_guard lock(mu);
    for (int attempt = 0;; ++attempt) {
      try {
        std::unique_ptr<sql::Statement> st(connection().createStatement());
        std::vector<SqlRow> out;
        if (!rows) {
          st->execute(statement);
          return out;
        }
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery(statement));
        const unsigned n = rs->getMetaData()->getColumnCount();
        while (rs->next()) {
          SqlRow row;
          for (unsigned i = 1; i <= n; ++i) {
            if (rs->isNull(i)) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(rs->getString(i)));
            }
          }
          out.push_back(std::move(row));
        }
        return out;
      } catch (const sql::SQLException& e) {
        const int code = e.getErrorCode();
        if (connection_error(code) && attempt == 0) {
          conn.reset();  // the FE went away; reconnect once
          continue;
        }
        if (code == kAccessDenied || code == kDbAccessDenied || code == kTableAccessDenied) {
          throw Error(ErrorKind::Refused, std::string("StarRocks denied ") + what + ": " + e.what(),
                      statement, "grant the sink's user the privilege it needs");
        }
        if (connection_error(code)) {
          conn.reset();
          throw Error(
              ErrorKind::Transient,
              std::string("lost the StarRocks FE connection during ") + what + ": " + e.what(),
              statement, "check the FE");
        }
        const std::string text = e.what();
        // Refusals that pass: another ALTER job still running, an FE electing a leader.
        const bool passing = text.find("is not NORMAL") != std::string::npos ||
                             text.find("not ready") != std::string::npos ||
                             text.find("leader") != std::string::npos;
        throw Error(
            passing ? ErrorKind::Transient : ErrorKind::Data,
            "StarRocks rejected " + what + ": " + text + " (error " + std::to_string(code) + ")",
            statement, passing ? "the pipeline retries from its last checkpoint" : "");
      }
    }
  }

  const SinkSettings& settings;
  asio::thread_pool pool;
  std::mutex mu;  // the connection belongs to whichever pool task runs; one at a time
  std::unique_ptr<sql::Connection> conn;
  size_t next = 0;
};

namespace {

// Runs on the pool's thread. A free coroutine with parameters by value: g++ 12 destroys the
// captures of a coroutine lambda twice.
asio::awaitable<std::vector<SqlRow>> run_on_pool(FeSql::Impl* impl, std::string sql,
                                                 std::string what, bool rows) {
  co_return impl->run(sql, what, rows);
}

}  // namespace

FeSql::FeSql(const SinkSettings& settings) : impl_(std::make_unique<Impl>(settings)) {}

FeSql::~FeSql() = default;

asio::awaitable<void> FeSql::execute(std::string sql, std::string what) {
  co_await asio::co_spawn(impl_->pool.get_executor(),
                          run_on_pool(impl_.get(), std::move(sql), std::move(what), false),
                          asio::use_awaitable);
}

asio::awaitable<std::vector<SqlRow>> FeSql::query(std::string sql, std::string what) {
  co_return co_await asio::co_spawn(impl_->pool.get_executor(),
                                    run_on_pool(impl_.get(), std::move(sql), std::move(what), true),
                                    asio::use_awaitable);
}

}  // namespace starcdc::starrocks
