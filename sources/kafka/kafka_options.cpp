#include "sources/kafka/kafka_options.hpp"

#include <charconv>

namespace starcdc::kafka {
namespace {

config::OptionSet make() {
  using config::OptionSpec;
  using config::OptionType;
  config::OptionSet s("source 'kafka'");
  s.add(OptionSpec::make("properties.bootstrap.servers", OptionType::String,
                         "Kafka brokers, host:port[,host:port...].")
            .is_required());
  s.add(OptionSpec::make("properties.group.id", OptionType::String,
                         "Consumer group. Daemons with the same group share the partitions, and "
                         "offsets are committed to it after each committed epoch. Without it "
                         "the daemon reads every partition of the topics alone (no group; "
                         "topic-pattern needs a group)."));
  s.add(OptionSpec::make("properties.", OptionType::Prefix,
                         "Any librdkafka setting, e.g. properties.security.protocol: SASL_SSL, "
                         "properties.sasl.mechanism, properties.ssl.ca.location. "
                         "enable.auto.commit and enable.auto.offset.store are always false: "
                         "offsets are committed after each committed epoch."));
  s.add(OptionSpec::make("properties.sasl.password", OptionType::String, "SASL password.")
            .is_secret());
  s.add(OptionSpec::make("topic", OptionType::List, "Topics to read (a list)."));
  s.add(OptionSpec::make("topic-pattern", OptionType::String,
                         "Regular expression of the topics to read (instead of topic)."));
  s.add(OptionSpec::make("value.format", OptionType::Enum,
                         "Message format: debezium-json, canal-json, maxwell-json, json.")
            .one_of({"debezium-json", "canal-json", "maxwell-json", "json"})
            .is_required());
  s.add(OptionSpec::make("scan.startup.mode", OptionType::Enum,
                         "Where to start when there is no checkpoint: group-offsets (the "
                         "group's committed offsets, else earliest), earliest-offset, "
                         "latest-offset, timestamp, specific-offsets.")
            .one_of({"group-offsets", "earliest-offset", "latest-offset", "timestamp",
                     "specific-offsets"})
            .with_default("group-offsets"));
  s.add(OptionSpec::make("scan.startup.timestamp-millis", OptionType::Int,
                         "For timestamp: the first messages at or after this Unix time (ms).")
            .range(0, INT64_MAX));
  s.add(OptionSpec::make("scan.startup.specific-offsets", OptionType::String,
                         "For specific-offsets: partition:0,offset:42;partition:1,offset:300 "
                         "(topic:NAME, may lead each entry). Other partitions start at the "
                         "earliest offset.")
            .checked([](const std::string& v) -> std::optional<std::string> {
              std::string error;
              if (!parse_specific_offsets(v, &error)) {
                return error;
              }
              return std::nullopt;
            }));
  s.add(OptionSpec::make("scan.parse-errors", OptionType::Enum,
                         "A message that cannot be decoded: fail (stop before checkpointing past "
                         "it), skip (count and log it), dead-letter (send it with the error to "
                         "scan.parse-errors.dead-letter-topic, then go on).")
            .one_of({"fail", "skip", "dead-letter"})
            .with_default("fail"));
  s.add(OptionSpec::make("scan.parse-errors.dead-letter-topic", OptionType::String,
                         "Topic receiving undecodable messages under dead-letter."));
  s.add(OptionSpec::make("scan.decode-threads", OptionType::Int,
                         "Threads decoding messages ahead of the pipeline thread, which then "
                         "applies them in order (JSON parsing is most of a message's cost).")
            .range(1, 16)
            .with_default("2"));
  s.add(OptionSpec::make("debezium-json.schema-include", OptionType::Bool,
                         "debezium-json: messages carry the {schema, payload} wrapper "
                         "(Debezium's JSON converter with schemas.enable); refuse those that do "
                         "not. Without it both forms are read.")
            .with_default("false"));
  s.add(OptionSpec::make("json.primary-key", OptionType::List,
                         "json: key columns of the tables (required for updates and deletes "
                         "to find their rows)."));
  s.add(OptionSpec::make("json.table-field", OptionType::String,
                         "json: field naming the table. Default: the topic name."));
  s.add(OptionSpec::make("json.database-field", OptionType::String,
                         "json: field naming the database. Default: json.database."));
  s.add(OptionSpec::make("json.database", OptionType::String,
                         "json: the database of the tables when no field names it.")
            .with_default("kafka"));
  s.add(OptionSpec::make("json.op-field", OptionType::String,
                         "json: field saying the operation (c/r/u/d, insert/update/delete); "
                         "never a column. Without it every message is an upsert.")
            .with_default("__op"));
  return s;
}

bool number(const std::string& t, int64_t& out) {
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

}  // namespace

std::optional<std::vector<PartitionOffset>> parse_specific_offsets(const std::string& text,
                                                                   std::string* error) {
  std::vector<PartitionOffset> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(';', start), text.size());
    const std::string entry = text.substr(start, end - start);
    start = end + 1;
    if (entry.empty()) {
      if (end >= text.size()) {
        break;
      }
      continue;
    }
    PartitionOffset po;
    bool has_partition = false;
    bool has_offset = false;
    size_t p = 0;
    while (p <= entry.size()) {
      const size_t comma = std::min(entry.find(',', p), entry.size());
      const std::string part = entry.substr(p, comma - p);
      p = comma + 1;
      const size_t colon = part.find(':');
      const std::string key = part.substr(0, colon);
      const std::string value = colon == std::string::npos ? "" : part.substr(colon + 1);
      int64_t n = 0;
      if (key == "topic" && !value.empty()) {
        po.topic = value;
      } else if (key == "partition" && number(value, n) && n >= 0 && n <= INT32_MAX) {
        po.partition = static_cast<int32_t>(n);
        has_partition = true;
      } else if (key == "offset" && number(value, n) && n >= 0) {
        po.offset = n;
        has_offset = true;
      } else {
        *error = "'" + part + "' in '" + entry +
                 "': expected partition:N,offset:N (and optionally topic:NAME)";
        return std::nullopt;
      }
      if (comma >= entry.size()) {
        break;
      }
    }
    if (!has_partition || !has_offset) {
      *error = "'" + entry + "' needs both partition:N and offset:N";
      return std::nullopt;
    }
    out.push_back(po);
  }
  if (out.empty()) {
    *error = "no partition:N,offset:N entry";
    return std::nullopt;
  }
  return out;
}

const config::OptionSet& kafka_options() {
  static const config::OptionSet s = make();
  return s;
}

void check_kafka_options(const config::OptionValues& o, const config::Location& where,
                         config::Diagnostics& diags) {
  const bool topics = o.has("topic") && !o.get_list("topic").empty();
  const bool pattern = o.has("topic-pattern");
  if (topics == pattern) {
    diags.error(where, "source 'kafka': give exactly one of topic and topic-pattern");
  }
  if (pattern && !o.has("properties.group.id")) {
    diags.error(o.where("topic-pattern"), "topic-pattern needs properties.group.id");
  }
  const std::string mode = o.get_string("scan.startup.mode");
  if (mode == "timestamp" && !o.has("scan.startup.timestamp-millis")) {
    diags.error(o.where("scan.startup.mode"),
                "scan.startup.mode: timestamp needs scan.startup.timestamp-millis");
  }
  if (mode == "specific-offsets" && !o.has("scan.startup.specific-offsets")) {
    diags.error(o.where("scan.startup.mode"),
                "scan.startup.mode: specific-offsets needs scan.startup.specific-offsets");
  }
  if (o.get_string("scan.parse-errors") == "dead-letter" &&
      !o.has("scan.parse-errors.dead-letter-topic")) {
    diags.error(o.where("scan.parse-errors"),
                "scan.parse-errors: dead-letter needs scan.parse-errors.dead-letter-topic");
  }
  const auto& props = o.get_prefixed("properties.");
  for (const char* key : {"enable.auto.commit", "enable.auto.offset.store"}) {
    if (props.count(key) != 0) {
      diags.error(o.where(std::string("properties.") + key),
                  std::string("properties.") + key +
                      ": starcdc commits offsets itself, after each committed epoch; remove it");
    }
  }
}

KafkaSettings kafka_settings_from(const config::OptionValues& o, const std::string& pipeline) {
  KafkaSettings s;
  for (const auto& [k, v] : o.get_prefixed("properties.")) {
    s.properties[k] = v;
  }
  s.properties["bootstrap.servers"] = o.get_string("properties.bootstrap.servers");
  if (o.has("properties.sasl.password")) {
    s.properties["sasl.password"] = o.get_string("properties.sasl.password");
  }
  if (o.has("properties.group.id")) {
    s.group_id = o.get_string("properties.group.id");
    s.properties["group.id"] = s.group_id;
  } else {
    // librdkafka's consumer wants a group id even when it only assigns partitions; this one
    // never joins nor commits.
    s.properties["group.id"] = "starcdc-" + pipeline + "-standalone";
  }
  if (o.has("topic")) {
    s.topics = o.get_list("topic");
  }
  if (o.has("topic-pattern")) {
    s.topic_pattern = o.get_string("topic-pattern");
  }
  s.format = o.get_string("value.format");
  const std::string mode = o.get_string("scan.startup.mode");
  s.startup = mode == "earliest-offset"    ? StartupMode::EarliestOffset
              : mode == "latest-offset"    ? StartupMode::LatestOffset
              : mode == "timestamp"        ? StartupMode::Timestamp
              : mode == "specific-offsets" ? StartupMode::SpecificOffsets
                                           : StartupMode::GroupOffsets;
  if (o.has("scan.startup.timestamp-millis")) {
    s.startup_timestamp_ms = o.get_int("scan.startup.timestamp-millis");
  }
  if (o.has("scan.startup.specific-offsets")) {
    std::string error;
    s.specific_offsets =
        parse_specific_offsets(o.get_string("scan.startup.specific-offsets"), &error).value();
  }
  const std::string pe = o.get_string("scan.parse-errors");
  s.parse_errors = pe == "skip"          ? ParseErrors::Skip
                   : pe == "dead-letter" ? ParseErrors::DeadLetter
                                         : ParseErrors::Fail;
  if (o.has("scan.parse-errors.dead-letter-topic")) {
    s.dead_letter_topic = o.get_string("scan.parse-errors.dead-letter-topic");
  }
  s.decode_threads = static_cast<unsigned>(o.get_int("scan.decode-threads"));
  s.schema_include = o.get_bool("debezium-json.schema-include");
  if (o.has("json.primary-key")) {
    s.primary_key = o.get_list("json.primary-key");
  }
  if (o.has("json.table-field")) {
    s.table_field = o.get_string("json.table-field");
  }
  if (o.has("json.database-field")) {
    s.database_field = o.get_string("json.database-field");
  }
  s.database = o.get_string("json.database");
  s.op_field = o.get_string("json.op-field");
  return s;
}

}  // namespace starcdc::kafka
