#include "sources/mysql/mysql_options.hpp"

#include <random>

#include "sources/mysql/position/gtid_set.hpp"

namespace starcdc::mysql {
namespace {

config::OptionSet make() {
  using config::OptionSpec;
  using config::OptionType;
  config::OptionSet s("source 'mysql'");
  s.add(OptionSpec::make("hostname", OptionType::String, "MySQL or MariaDB server host.")
            .is_required());
  s.add(OptionSpec::make("port", OptionType::Int, "Server port.")
            .with_default("3306")
            .range(1, 65535));
  s.add(OptionSpec::make("username", OptionType::String,
                         "User with REPLICATION SLAVE, REPLICATION CLIENT (MariaDB: BINLOG "
                         "MONITOR) and SELECT on the captured tables.")
            .is_required());
  s.add(OptionSpec::make("password", OptionType::String, "The user's password.").is_secret());
  s.add(OptionSpec::make("server-id", OptionType::String,
                         "Replica server id, unique among the server's replicas: a number, or a "
                         "range such as 5400-5408 (the first is used). Default: random in "
                         "5400-6400.")
            .checked([](const std::string& v) -> std::optional<std::string> {
              // "5400" or "5400-5408": whole numbers 1..4294967295, the range ascending.
              auto id = [](const std::string& t) -> std::optional<unsigned long> {
                if (t.empty() || t.size() > 10 ||
                    t.find_first_not_of("0123456789") != std::string::npos) {
                  return std::nullopt;
                }
                const unsigned long n = std::stoul(t);
                return n >= 1 && n <= 4294967295UL ? std::optional(n) : std::nullopt;
              };
              const auto dash = v.find('-');
              const auto first = id(v.substr(0, dash));
              const auto last = dash == std::string::npos ? first : id(v.substr(dash + 1));
              if (!first || !last || *last < *first) {
                return "expected a number 1..4294967295 or a range a-b";
              }
              return std::nullopt;
            }));
  s.add(OptionSpec::make("server-time-zone", OptionType::String,
                         "Time zone of the server's session, for TIMESTAMP values read by the "
                         "snapshot (binlog TIMESTAMPs are UTC). Default: the server's "
                         "@@time_zone."));
  s.add(OptionSpec::make("scan.startup.mode", OptionType::Enum,
                         "Where to start when there is no checkpoint: initial (snapshot, then "
                         "binlog), snapshot (snapshot only), latest-offset, earliest-offset, "
                         "specific-offset, timestamp.")
            .one_of({"initial", "snapshot", "latest-offset", "earliest-offset", "specific-offset",
                     "timestamp"})
            .with_default("initial"));
  s.add(OptionSpec::make("scan.startup.specific-offset.file", OptionType::String,
                         "Binlog file for specific-offset, e.g. mysql-bin.000003."));
  s.add(OptionSpec::make("scan.startup.specific-offset.pos", OptionType::Int,
                         "Offset in that file (4 = its first event).")
            .range(4, std::numeric_limits<int64_t>::max()));
  s.add(OptionSpec::make("scan.startup.specific-offset.gtid-set", OptionType::String,
                         "GTID position for specific-offset: a MySQL GTID set (uuid:1-100) or a "
                         "MariaDB GTID list (0-1-100); the stream starts after it."));
  s.add(OptionSpec::make("scan.startup.timestamp-millis", OptionType::Int,
                         "Start for timestamp mode: the first transaction committed at or after "
                         "this Unix time in milliseconds.")
            .range(0, std::numeric_limits<int64_t>::max()));
  s.add(OptionSpec::make("connect.timeout", OptionType::Duration,
                         "Timeout of connecting and of each query.")
            .with_default("30s")
            .range(100, 3'600'000));
  s.add(OptionSpec::make("connect.max-retries", OptionType::Int,
                         "Connection attempts before the source gives up (the pipeline then "
                         "restarts with backoff).")
            .with_default("3")
            .range(0, 1000));
  s.add(OptionSpec::make("heartbeat.interval", OptionType::Duration,
                         "Server heartbeat period on an idle binlog: keeps the position moving "
                         "and detects a dead connection after 3 periods. 0 disables.")
            .with_default("30s")
            .range(0, 3'600'000));
  s.add(OptionSpec::make("ssl-mode", OptionType::Enum,
                         "TLS: disabled, preferred (if the server offers it), required, verify-ca "
                         "(check the certificate against ssl.ca), verify-identity (and the host "
                         "name).")
            .one_of({"disabled", "preferred", "required", "verify-ca", "verify-identity"})
            .with_default("preferred"));
  s.add(OptionSpec::make("ssl.ca", OptionType::String, "CA certificate file (PEM)."));
  s.add(OptionSpec::make("ssl.cert", OptionType::String, "Client certificate file (PEM)."));
  s.add(OptionSpec::make("ssl.key", OptionType::String, "Client key file (PEM)."));
  s.add(OptionSpec::make("server-public-key", OptionType::String,
                         "The server's RSA public key file (PEM), for caching_sha2_password or "
                         "sha256_password without TLS; without it the key is requested from the "
                         "server."));
  // Not "null": an unquoted null in YAML is no value at all.
  s.add(OptionSpec::make("zero-date", OptionType::Enum,
                         "What a zero or partial-zero date (0000-00-00) becomes: to-null, or "
                         "to-epoch (1970-01-01 00:00:00).")
            .one_of({"to-null", "to-epoch"})
            .with_default("to-null"));
  s.add(OptionSpec::make("schema-change.enabled", OptionType::Bool,
                         "Emit schema changes found in the binlog.")
            .with_default("true"));
  s.add(OptionSpec::make("scan.incremental.snapshot.chunk.size", OptionType::Int,
                         "Rows per snapshot chunk.")
            .with_default("8096")
            .range(1, 100'000'000));
  s.add(OptionSpec::make("scan.incremental.snapshot.chunk.key-column", OptionType::String,
                         "Chunk key columns by table, as db.table:column;db.table2:column2: the "
                         "column a table's snapshot is split by instead of its primary key "
                         "(needed for a table without one).")
            .checked([](const std::string& v) -> std::optional<std::string> {
              std::string err;
              if (!parse_chunk_key_columns(v, &err)) {
                return err;
              }
              return std::nullopt;
            }));
  s.add(OptionSpec::make("chunk-key.even-distribution.factor.upper-bound", OptionType::Double,
                         "An integer key whose (MAX - MIN + 1) / rows is within the factor "
                         "bounds is split in fixed steps without queries. Flink CDC's default is "
                         "1000; ours is 10, because with a wide factor one outlier key (a row "
                         "at -1e9 beside ids 1..1e6) makes one chunk of the whole table, which "
                         "a restart must read again; a key outside the bounds is split by "
                         "cheap next-key queries instead.")
            .with_default("10.0"));
  s.add(OptionSpec::make("chunk-key.even-distribution.factor.lower-bound", OptionType::Double,
                         "The lower factor bound of the fixed-step split.")
            .with_default("0.05"));
  s.add(OptionSpec::make("scan.newly-added-table.enabled", OptionType::Bool,
                         "On restart, copy the tables that `tables` captures now and the "
                         "checkpoint does not know (added to the pattern since), then follow "
                         "them in the binlog. Off: such tables are only followed from now.")
            .with_default("false"));
  s.add(OptionSpec::make("scan.binlog.newly-added-table.enabled", OptionType::Bool,
                         "While running, copy captured tables that appear upstream (CREATE "
                         "TABLE, RENAME TABLE into the pattern) before following them. Off: their "
                         "rows come from the binlog only.")
            .with_default("false"));
  s.add(OptionSpec::make("scan.snapshot.fetch.size", OptionType::Int,
                         "Rows a snapshot reader reads before it hands them to the pipeline.")
            .with_default("1024")
            .range(1, 100'000'000));
  s.add(OptionSpec::make("scan.snapshot.parallelism", OptionType::Int,
                         "Snapshot readers (connections) reading chunks at once.")
            .with_default("1")
            .range(1, 64));
  return s;
}

StartupMode startup_mode(const std::string& v) {
  if (v == "snapshot") {
    return StartupMode::Snapshot;
  }
  if (v == "latest-offset") {
    return StartupMode::LatestOffset;
  }
  if (v == "earliest-offset") {
    return StartupMode::EarliestOffset;
  }
  if (v == "specific-offset") {
    return StartupMode::SpecificOffset;
  }
  if (v == "timestamp") {
    return StartupMode::Timestamp;
  }
  return StartupMode::Initial;
}

SslMode ssl_mode(const std::string& v) {
  if (v == "disabled") {
    return SslMode::Disabled;
  }
  if (v == "required") {
    return SslMode::Required;
  }
  if (v == "verify-ca") {
    return SslMode::VerifyCa;
  }
  if (v == "verify-identity") {
    return SslMode::VerifyIdentity;
  }
  return SslMode::Preferred;
}

}  // namespace

std::optional<std::map<TableId, std::string>> parse_chunk_key_columns(const std::string& text,
                                                                      std::string* error) {
  std::map<TableId, std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    start = end + 1;
    if (item.empty()) {
      continue;
    }
    const size_t colon = item.rfind(':');
    const size_t dot = item.find('.');
    if (colon == std::string::npos || dot == std::string::npos || dot > colon || dot == 0 ||
        colon == dot + 1 || colon + 1 == item.size()) {
      *error = "'" + item + "' is not db.table:column";
      return std::nullopt;
    }
    out[TableId{item.substr(0, dot), item.substr(dot + 1, colon - dot - 1)}] =
        item.substr(colon + 1);
  }
  return out;
}

const config::OptionSet& mysql_options() {
  static const config::OptionSet s = make();
  return s;
}

void check_mysql_options(const config::OptionValues& o, const config::Location& where,
                         config::Diagnostics& diags) {
  const std::string mode = o.get_string("scan.startup.mode");
  auto at = [&](const char* key) { return o.from_file(key) ? o.where(key) : where; };
  if (mode == "specific-offset" && !o.has("scan.startup.specific-offset.file") &&
      !o.has("scan.startup.specific-offset.gtid-set")) {
    diags.error(at("scan.startup.mode"),
                "scan.startup.mode: specific-offset needs scan.startup.specific-offset.file "
                "(and .pos) or scan.startup.specific-offset.gtid-set");
  }
  if (mode == "timestamp" && !o.has("scan.startup.timestamp-millis")) {
    diags.error(at("scan.startup.mode"),
                "scan.startup.mode: timestamp needs scan.startup.timestamp-millis");
  }
  if (o.get_double("chunk-key.even-distribution.factor.lower-bound") >
      o.get_double("chunk-key.even-distribution.factor.upper-bound")) {
    diags.error(at("chunk-key.even-distribution.factor.lower-bound"),
                "chunk-key.even-distribution.factor.lower-bound is above the upper bound");
  }
  if (o.has("scan.startup.specific-offset.gtid-set")) {
    const std::string g = o.get_string("scan.startup.specific-offset.gtid-set");
    std::string mysql_error;
    std::string maria_error;
    if (!MysqlGtidSet::parse(g, &mysql_error) && !MariaGtidList::parse(g, &maria_error)) {
      diags.error(at("scan.startup.specific-offset.gtid-set"),
                  "scan.startup.specific-offset.gtid-set: '" + g +
                      "' is neither a MySQL GTID set (uuid:1-100) nor a MariaDB GTID list "
                      "(0-1-100): " +
                      mysql_error);
    }
  }
  const std::string ssl = o.get_string("ssl-mode");
  if ((ssl == "verify-ca" || ssl == "verify-identity") && !o.has("ssl.ca")) {
    diags.error(at("ssl-mode"), "ssl-mode: " + ssl + " needs ssl.ca, the CA certificate file");
  }
  if (o.has("ssl.cert") != o.has("ssl.key")) {
    diags.error(at(o.has("ssl.cert") ? "ssl.cert" : "ssl.key"), "ssl.cert and ssl.key go together");
  }
}

MysqlSettings mysql_settings_from(const config::OptionValues& o) {
  MysqlSettings s;
  s.host = o.get_string("hostname");
  s.port = static_cast<uint16_t>(o.get_int("port"));
  s.username = o.get_string("username");
  if (o.has("password")) {
    s.password = o.get_string("password");
  }
  if (o.has("tables")) {
    s.tables = o.get_list("tables");
  }
  if (o.has("tables.exclude")) {
    s.exclude = o.get_list("tables.exclude");
  }
  if (o.has("server-id")) {
    const std::string v = o.get_string("server-id");
    s.server_id = static_cast<uint32_t>(std::stoul(v.substr(0, v.find('-'))));
  } else {
    std::random_device rd;
    s.server_id = 5400 + rd() % 1001;
  }
  if (o.has("server-time-zone")) {
    s.server_time_zone = o.get_string("server-time-zone");
  }
  s.startup = startup_mode(o.get_string("scan.startup.mode"));
  if (o.has("scan.startup.specific-offset.file")) {
    s.specific_file = o.get_string("scan.startup.specific-offset.file");
  }
  if (o.has("scan.startup.specific-offset.pos")) {
    s.specific_pos = static_cast<uint64_t>(o.get_int("scan.startup.specific-offset.pos"));
  }
  if (o.has("scan.startup.specific-offset.gtid-set")) {
    s.specific_gtids = o.get_string("scan.startup.specific-offset.gtid-set");
  }
  if (o.has("scan.startup.timestamp-millis")) {
    s.startup_timestamp_ms = o.get_int("scan.startup.timestamp-millis");
  }
  s.connect_timeout = o.get_duration("connect.timeout");
  s.connect_max_retries = static_cast<int>(o.get_int("connect.max-retries"));
  s.heartbeat_interval = o.get_duration("heartbeat.interval");
  s.ssl_mode = ssl_mode(o.get_string("ssl-mode"));
  for (auto [key, field] :
       {std::pair{"ssl.ca", &s.ssl_ca}, std::pair{"ssl.cert", &s.ssl_cert},
        std::pair{"ssl.key", &s.ssl_key}, std::pair{"server-public-key", &s.server_public_key}}) {
    if (o.has(key)) {
      *field = o.get_string(key);
    }
  }
  s.zero_date = o.get_string("zero-date") == "to-epoch" ? ZeroDate::Epoch : ZeroDate::Null;
  s.schema_change_enabled = o.get_bool("schema-change.enabled");
  s.chunk_size = static_cast<uint64_t>(o.get_int("scan.incremental.snapshot.chunk.size"));
  s.fetch_size = static_cast<uint64_t>(o.get_int("scan.snapshot.fetch.size"));
  s.snapshot_parallelism = static_cast<int>(o.get_int("scan.snapshot.parallelism"));
  if (o.has("scan.incremental.snapshot.chunk.key-column")) {
    std::string err;
    s.chunk_key_columns =
        parse_chunk_key_columns(o.get_string("scan.incremental.snapshot.chunk.key-column"), &err)
            .value_or(std::map<TableId, std::string>());
  }
  s.even_upper = o.get_double("chunk-key.even-distribution.factor.upper-bound");
  s.even_lower = o.get_double("chunk-key.even-distribution.factor.lower-bound");
  s.newly_added_tables = o.get_bool("scan.newly-added-table.enabled");
  s.binlog_newly_added_tables = o.get_bool("scan.binlog.newly-added-table.enabled");
  return s;
}

}  // namespace starcdc::mysql
