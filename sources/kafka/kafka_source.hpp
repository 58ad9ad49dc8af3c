// The `kafka` source: reads change messages (debezium-json, canal-json, maxwell-json, json)
// from Kafka topics with librdkafka, as a member of a consumer group, and emits them as change
// events and schema changes.
//
// Exactly-once: the position holds the next offset of every partition this daemon owns (and the
// tables' learned columns); it is what the checkpoint stores with the sink's transactions. A
// restart resumes there. After each committed epoch the offsets are also committed to the group,
// so lag tools see progress and a partition that moves to another daemon starts where the last
// committed epoch ended. When the group takes partitions away (a rebalance), the source pauses
// them, asks for a checkpoint at once, and releases them only after that epoch is committed and
// its offsets are committed to the group. Thread: pipeline.
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc::kafka {

SourceFactory kafka_source_factory();

}  // namespace starcdc::kafka
