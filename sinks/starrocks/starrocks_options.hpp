// Options of the `starrocks` sink, with the Flink CDC / StarRocks connector names and defaults
// where they exist.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/option_spec.hpp"
#include "config/option_values.hpp"
#include "sinks/starrocks/body_compression.hpp"

namespace starcdc::starrocks {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

enum class Semantic : uint8_t { ExactlyOnce, AtLeastOnce };
enum class BodyFormat : uint8_t { Json, Csv };

// The options, parsed and typed.
struct SinkSettings {
  std::vector<HostPort> fe_http;  // load-url
  std::vector<HostPort> fe_sql;   // jdbc-url
  std::string username;
  std::string password;
  std::string label_prefix;
  Semantic semantic = Semantic::ExactlyOnce;
  BodyFormat format = BodyFormat::Json;
  std::string column_separator = "\\t";  // StarRocks' notation, sent as the header value
  std::string row_delimiter = "\\n";
  std::map<std::string, std::string> load_headers;  // sink.properties.* as Stream Load headers
  Compression compression = Compression::None;      // sink.properties.compression
  std::chrono::milliseconds connect_timeout{30000};
  std::chrono::milliseconds continue_timeout{30000};
  std::chrono::milliseconds socket_timeout{600000};
  std::chrono::milliseconds retry_interval{1000};
  int max_retries = 10;
  std::chrono::seconds txn_timeout{600};
  std::chrono::seconds idle_txn_timeout{0};
  uint64_t max_request_bytes = 64ULL << 20;
  std::map<std::string, std::string> table_properties;
  int num_buckets = 0;
  std::chrono::milliseconds schema_change_timeout{30 * 60 * 1000};
  int char_bytes = 3;
};

const config::OptionSet& starrocks_options();
void check_starrocks_options(const config::OptionValues& o, const config::Location& where,
                             config::Diagnostics& diags);
SinkSettings settings_from(const config::OptionValues& o, const std::string& pipeline);

// "fe1:8030;fe2:8030" or "http://fe1:8030" → host/ports; "jdbc:mysql://fe1:9030,fe2:9030" too.
bool parse_host_list(const std::string& text, bool jdbc, std::vector<HostPort>* out,
                     std::string* error);

}  // namespace starcdc::starrocks
