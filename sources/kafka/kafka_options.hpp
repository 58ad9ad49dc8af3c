// Options of the `kafka` source, with the names of Flink's Kafka connector (properties.*,
// topic, topic-pattern, scan.startup.*, value.format), parsed into KafkaSettings. Thread: any.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/option_spec.hpp"
#include "config/option_values.hpp"

namespace starcdc::kafka {

enum class StartupMode : uint8_t {
  EarliestOffset,
  LatestOffset,
  GroupOffsets,
  Timestamp,
  SpecificOffsets
};
enum class ParseErrors : uint8_t { Fail, Skip, DeadLetter };

struct PartitionOffset {
  std::string topic;  // empty: every subscribed topic
  int32_t partition = 0;
  int64_t offset = 0;
};

struct KafkaSettings {
  std::map<std::string, std::string> properties;  // librdkafka settings (properties.* keys)
  std::vector<std::string> topics;
  std::string topic_pattern;  // a regular expression (librdkafka: "^" prefix)
  std::string group_id;       // empty: no group, every partition read by this daemon
  std::string format;         // value.format
  StartupMode startup = StartupMode::GroupOffsets;
  int64_t startup_timestamp_ms = 0;
  std::vector<PartitionOffset> specific_offsets;
  ParseErrors parse_errors = ParseErrors::Fail;
  std::string dead_letter_topic;
  // Decoder options (message.hpp DecoderOptions).
  std::vector<std::string> primary_key;
  std::string table_field;
  std::string database_field;
  std::string database;
  std::string op_field = "__op";
  bool schema_include = false;
  unsigned decode_threads = 2;
  std::chrono::milliseconds poll_timeout{100};
};

// "partition:0,offset:42;partition:1,offset:300" (Flink's form; a `topic:t,` part may lead
// each entry); nullopt and *error when malformed.
std::optional<std::vector<PartitionOffset>> parse_specific_offsets(const std::string& text,
                                                                   std::string* error);

const config::OptionSet& kafka_options();
void check_kafka_options(const config::OptionValues& o, const config::Location& where,
                         config::Diagnostics& diags);
KafkaSettings kafka_settings_from(const config::OptionValues& o, const std::string& pipeline);

}  // namespace starcdc::kafka
