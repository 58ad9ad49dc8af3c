// StarRocksApi: the HTTP side of StarRocks as the sink uses it: transaction operations, plain
// Stream Load and get_load_state, each through an FE (307 redirects followed, with
// credentials, up to 4 hops), failing over to the next FE address when one is unreachable.
// Thread: control.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pipeline/model/table_id.hpp"
#include "sinks/starrocks/http_client.hpp"
#include "sinks/starrocks/response.hpp"
#include "sinks/starrocks/starrocks_options.hpp"

namespace starcdc::starrocks {

using Headers = std::vector<std::pair<std::string, std::string>>;

class StarRocksApi {
 public:
  StarRocksApi(asio::io_context& io, const SinkSettings& settings);

  // POST /api/transaction/{begin,prepare,commit,rollback}; PUT /api/transaction/load with a
  // body. Throws HttpError on transport failure, Error(Refused) on HTTP 401.
  asio::awaitable<LoadReply> transaction(std::string op, TableId table, std::string label,
                                         Headers extra, std::vector<std::string_view> body = {});
  // PUT /api/{db}/{table}/_stream_load.
  asio::awaitable<LoadReply> stream_load(TableId table, std::string label, Headers extra,
                                         std::vector<std::string_view> body);
  // GET /api/{db}/get_load_state?label=; the reply's `state`.
  asio::awaitable<LoadReply> load_state(std::string database, std::string label);

  const std::string& current_fe() const { return fe_name_; }

 private:
  asio::awaitable<LoadReply> request(std::string method, std::string target, Headers headers,
                                     std::vector<std::string_view> body, bool expect_continue,
                                     std::string what);

  const SinkSettings& settings_;
  HttpClient http_;
  size_t fe_index_ = 0;
  std::string fe_name_;
};

std::string url_encode(const std::string& s);

}  // namespace starcdc::starrocks
