#include "sinks/starrocks/starrocks_options.hpp"

#include <algorithm>
#include <cctype>

namespace starcdc::starrocks {
namespace {

std::optional<std::string> check_load_url(const std::string& text) {
  std::vector<HostPort> hosts;
  std::string error;
  if (!parse_host_list(text, false, &hosts, &error)) {
    return error;
  }
  return std::nullopt;
}

std::optional<std::string> check_jdbc_url(const std::string& text) {
  std::vector<HostPort> hosts;
  std::string error;
  if (!parse_host_list(text, true, &hosts, &error)) {
    return error;
  }
  return std::nullopt;
}

config::OptionSet make() {
  using config::OptionSpec;
  using config::OptionType;
  config::OptionSet s("sink 'starrocks'");
  s.add(OptionSpec::make("jdbc-url", OptionType::String,
                         "FE MySQL-protocol addresses for DDL and metadata, e.g. "
                         "jdbc:mysql://fe1:9030,fe2:9030.")
            .is_required()
            .checked(check_jdbc_url));
  s.add(OptionSpec::make("load-url", OptionType::String,
                         "FE HTTP addresses for Stream Load, e.g. fe1:8030;fe2:8030 (tried in "
                         "turn when one is unreachable).")
            .is_required()
            .checked(check_load_url));
  s.add(OptionSpec::make("username", OptionType::String,
                         "StarRocks user (needs INSERT, SELECT "
                         "and, to create tables, CREATE/ALTER).")
            .is_required());
  s.add(OptionSpec::make("password", OptionType::String, "Password of the user.")
            .with_default("")
            .is_secret());
  s.add(OptionSpec::make("sink.label-prefix", OptionType::String,
                         "Prefix of transaction labels; labels are PREFIX-DB_TABLE-EPOCH. "
                         "Defaults to the pipeline name. Must be unique per pipeline.")
            .checked([](const std::string& v) -> std::optional<std::string> {
              for (char c : v) {
                if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') {
                  return "'" + v + "' may only hold letters, digits, _ and -";
                }
              }
              if (v.size() > 64) {
                return "'" + v + "' is longer than 64 characters";
              }
              return std::nullopt;
            }));
  s.add(OptionSpec::make("sink.semantic", OptionType::Enum,
                         "exactly-once: one transaction per table and epoch, committed after the "
                         "checkpoint records it. at-least-once: plain Stream Load per chunk.")
            .one_of({"exactly-once", "at-least-once"})
            .with_default("exactly-once"));
  s.add(OptionSpec::make("sink.properties.", OptionType::Prefix,
                         "Stream Load headers, e.g. sink.properties.format: csv. format is json "
                         "(default) or csv; json always sends strip_outer_array and "
                         "ignore_json_size. compression: lz4_frame, zstd or gzip compresses each "
                         "load body (JSON needs StarRocks 3.2.7 or later)."));
  s.add(OptionSpec::make("sink.connect.timeout-ms", OptionType::Int,
                         "TCP connect timeout in milliseconds.")
            .with_default("30000")
            .range(100, 600000));
  s.add(OptionSpec::make("sink.wait-for-continue.timeout-ms", OptionType::Int,
                         "How long to wait for 100-continue before giving up on a request.")
            .with_default("30000")
            .range(100, 600000));
  s.add(OptionSpec::make("sink.socket.timeout-ms", OptionType::Int,
                         "Read timeout of a request in milliseconds; -1 = 600000.")
            .with_default("-1")
            .range(-1, 86400000));
  s.add(OptionSpec::make("sink.max-retries", OptionType::Int,
                         "Retries of a request that failed in a retryable way before the "
                         "pipeline restarts from its last checkpoint.")
            .with_default("10")
            .range(0, 1000));
  s.add(OptionSpec::make("sink.retry-interval", OptionType::Duration,
                         "First wait between retries; doubles up to 30s, with jitter.")
            .with_default("1s")
            .range(10, 600000)
            .alias("sink.retry.interval-ms"));
  s.add(OptionSpec::make("sink.transaction.timeout", OptionType::Duration,
                         "Transaction timeout sent with begin (StarRocks aborts a transaction "
                         "not committed by then).")
            .with_default("600s")
            .range(1000, 259200000));
  s.add(OptionSpec::make("sink.transaction.idle-timeout", OptionType::Duration,
                         "idle_transaction_timeout sent with begin; 0 = not sent. Frees the "
                         "transactions of a crashed daemon sooner.")
            .with_default("0s")
            .range(0, 259200000));
  s.add(OptionSpec::make("sink.buffer-flush.max-bytes", OptionType::Bytes,
                         "Largest body of one load request; bigger chunks are split.")
            .with_default("64MiB")
            .range(64 << 10, int64_t{4} << 30));
  s.add(OptionSpec::make("sink.buffer-flush.interval-ms", OptionType::Int,
                         "Accepted for compatibility; epochs end every "
                         "pipeline.checkpoint.interval.")
            .with_default("300000"));
  s.add(OptionSpec::make("sink.io.thread-count", OptionType::Int,
                         "Accepted for compatibility; requests run on the control thread.")
            .with_default("2"));
  s.add(OptionSpec::make("table.create.properties.", OptionType::Prefix,
                         "PROPERTIES of created tables, e.g. table.create.properties."
                         "replication_num: 1."));
  s.add(OptionSpec::make("table.create.num-buckets", OptionType::Int,
                         "BUCKETS of created tables; 0 = let StarRocks choose.")
            .with_default("0")
            .range(0, 65536));
  s.add(OptionSpec::make("table.schema-change.timeout", OptionType::Duration,
                         "How long to wait for an ALTER TABLE job.")
            .with_default("30min")
            .range(1000, 86400000));
  s.add(OptionSpec::make("unicode-char.max-bytes", OptionType::Int,
                         "Bytes per character when sizing VARCHAR/CHAR (StarRocks counts bytes, "
                         "MySQL characters); 4 for utf8mb4 data.")
            .with_default("3")
            .range(1, 4));
  return s;
}

}  // namespace

bool parse_host_list(const std::string& text, bool jdbc, std::vector<HostPort>* out,
                     std::string* error) {
  std::string rest = text;
  if (jdbc) {
    static const std::string kPrefix = "jdbc:mysql://";
    if (rest.rfind(kPrefix, 0) != 0) {
      *error = "'" + text + "' is not jdbc:mysql://host:port[,host:port]";
      return false;
    }
    rest = rest.substr(kPrefix.size());
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
      rest = rest.substr(0, slash);
    }
  }
  const char sep = jdbc ? ',' : ';';
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find(sep, start);
    if (end == std::string::npos) {
      end = rest.size();
    }
    std::string item = rest.substr(start, end - start);
    item.erase(std::remove_if(item.begin(), item.end(),
                              [](unsigned char c) { return std::isspace(c) != 0; }),
               item.end());
    if (item.rfind("http://", 0) == 0) {
      item = item.substr(7);
    } else if (item.rfind("https://", 0) == 0) {
      *error = "'" + item + "': https is not supported yet; use http";
      return false;
    }
    if (!item.empty() && item.back() == '/') {
      item.pop_back();
    }
    if (!item.empty()) {
      const auto colon = item.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == item.size() ||
          item.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
        *error = "'" + item + "' is not host:port";
        return false;
      }
      const int port = std::stoi(item.substr(colon + 1));
      if (port <= 0 || port > 65535) {
        *error = "'" + item + "': port out of range";
        return false;
      }
      out->push_back(HostPort{item.substr(0, colon), static_cast<uint16_t>(port)});
    }
    start = end + 1;
  }
  if (out->empty()) {
    *error = "no address in '" + text + "'";
    return false;
  }
  return true;
}

const config::OptionSet& starrocks_options() {
  static const config::OptionSet s = make();
  return s;
}

void check_starrocks_options(const config::OptionValues& o, const config::Location& where,
                             config::Diagnostics& diags) {
  const auto& props = o.get_prefixed("sink.properties.");
  auto it = props.find("format");
  if (it != props.end()) {
    std::string f = it->second;
    std::transform(f.begin(), f.end(), f.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (f != "json" && f != "csv") {
      diags.error(where, "sink.properties.format: '" + it->second + "' is not json or csv");
    }
  }
  for (const auto& [k, v] : props) {
    if (v.find_first_of("\r\n") != std::string::npos) {
      diags.error(where, "sink.properties." + k +
                             ": a header value cannot hold a line break; write \\n or \\x0a");
    }
  }
  for (const auto& [k, v] : props) {
    std::string key = k;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string name = "sink.properties." + k;
    const config::Location& at = o.from_file(name) ? o.where(name) : where;
    if (key == "compression" && !parse_compression(v)) {
      diags.error(at, name + ": '" + v + "' is not lz4_frame, zstd or gzip");
    } else if (key == "content-encoding") {
      diags.error(at,
                  "sink.properties.content-encoding: the sink compresses bodies itself; write "
                  "sink.properties.compression: lz4_frame, zstd or gzip");
    }
  }
  for (const char* fixed : {"label", "db", "table", "columns", "strip_outer_array"}) {
    if (props.count(fixed) != 0) {
      diags.error(where,
                  std::string("sink.properties.") + fixed + ": set by the sink itself; remove it");
    }
  }
}

SinkSettings settings_from(const config::OptionValues& o, const std::string& pipeline) {
  SinkSettings s;
  std::string error;
  parse_host_list(o.get_string("load-url"), false, &s.fe_http, &error);
  parse_host_list(o.get_string("jdbc-url"), true, &s.fe_sql, &error);
  s.username = o.get_string("username");
  s.password = o.get_string("password");
  if (o.has("sink.label-prefix")) {
    s.label_prefix = o.get_string("sink.label-prefix");
  } else {
    // The pipeline name, made a valid label part ("orders.prod" → "orders_prod").
    for (char c : pipeline.substr(0, 64)) {
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
      s.label_prefix.push_back(ok ? c : '_');
    }
  }
  s.semantic = o.get_string("sink.semantic") == "at-least-once" ? Semantic::AtLeastOnce
                                                                : Semantic::ExactlyOnce;
  for (const auto& [k, v] : o.get_prefixed("sink.properties.")) {
    std::string key = k;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (key == "format") {
      s.format = (v == "csv" || v == "CSV") ? BodyFormat::Csv : BodyFormat::Json;
    } else if (key == "column_separator") {
      s.column_separator = v;
    } else if (key == "row_delimiter") {
      s.row_delimiter = v;
    } else if (key == "compression") {
      s.compression = parse_compression(v).value_or(Compression::None);
    } else {
      s.load_headers[key] = v;
    }
  }
  s.connect_timeout = std::chrono::milliseconds(o.get_int("sink.connect.timeout-ms"));
  s.continue_timeout = std::chrono::milliseconds(o.get_int("sink.wait-for-continue.timeout-ms"));
  const int64_t socket = o.get_int("sink.socket.timeout-ms");
  s.socket_timeout = std::chrono::milliseconds(socket < 0 ? 600000 : socket);
  s.retry_interval = o.get_duration("sink.retry-interval");
  s.max_retries = static_cast<int>(o.get_int("sink.max-retries"));
  s.txn_timeout =
      std::chrono::duration_cast<std::chrono::seconds>(o.get_duration("sink.transaction.timeout"));
  s.idle_txn_timeout = std::chrono::duration_cast<std::chrono::seconds>(
      o.get_duration("sink.transaction.idle-timeout"));
  s.max_request_bytes = o.get_bytes("sink.buffer-flush.max-bytes");
  for (const auto& [k, v] : o.get_prefixed("table.create.properties.")) {
    std::string key = k;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    s.table_properties[key] = v;
  }
  s.num_buckets = static_cast<int>(o.get_int("table.create.num-buckets"));
  s.schema_change_timeout = o.get_duration("table.schema-change.timeout");
  s.char_bytes = static_cast<int>(o.get_int("unicode-char.max-bytes"));
  return s;
}

}  // namespace starcdc::starrocks
