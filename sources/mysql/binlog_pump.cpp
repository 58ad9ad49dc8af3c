#include "sources/mysql/binlog_pump.hpp"

#include <cctype>
#include <cstring>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql {
namespace {
constexpr size_t kMaxBuffered = 16 << 20;  // raw event bytes read ahead of decoding
}

asio::awaitable<void> read_events(std::shared_ptr<Stream> s) {
  try {
    for (;;) {
      while (s->fill.size() >= kMaxBuffered && !s->closing) {
        s->space_ready.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await s->space_ready.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (s->closing) {
        co_return;
      }
      auto ev = co_await s->stream->next();
      if (!ev) {
        // A blocking dump never ends by itself: the server is shutting down.
        throw Error(ErrorKind::Transient, "the server ended the binlog stream (shutting down?)",
                    s->conn->options().endpoint());
      }
      const auto n = static_cast<uint32_t>(ev->size());
      char len[4];
      std::memcpy(len, &n, 4);
      s->fill.append(len, 4);
      s->fill.append(reinterpret_cast<const char*>(ev->data()), ev->size());
      s->data_ready->cancel();
    }
  } catch (...) {
    if (!s->closing) {
      s->error = std::current_exception();
    }
    s->data_ready->cancel();
  }
}

bool starts_with_word(std::string_view sql, std::string_view word) {
  while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.front())) != 0)) {
    sql.remove_prefix(1);
  }
  if (sql.size() < word.size()) {
    return false;
  }
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[i])) != word[i]) {
      return false;
    }
  }
  return sql.size() == word.size() ||
         std::isalnum(static_cast<unsigned char>(sql[word.size()])) == 0;
}

}  // namespace starcdc::mysql
