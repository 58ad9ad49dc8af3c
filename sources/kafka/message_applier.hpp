// MessageApplier: turns a decoded Kafka message into what the pipeline gets: schema changes when
// the message shows a new table, new or changed columns, a truncate or a drop, then one change
// event per row, with values in the table's column order. It owns the tables' learned shapes.
// Thread: pipeline.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "pipeline/emitter.hpp"
#include "pipeline/model/position.hpp"
#include "sources/kafka/formats/message.hpp"
#include "sources/kafka/table_shapes.hpp"

namespace starcdc::kafka {

class MessageApplier {
 public:
  explicit MessageApplier(SchemaRegistry& registry) : shapes_(registry) {}

  TableShapes& shapes() { return shapes_; }
  // Emits what `d`, decoded from `m`, says to `out`; returns the number of row events.
  // `position_before` gives the position just before `m`, which schema changes carry.
  uint64_t apply(const DecodedMessage& d, const rd_kafka_message_t* m, Emitter& out,
                 const std::function<Position()>& position_before);

 private:
  TableShapes shapes_;
  std::vector<SchemaChange> changes_;
  std::vector<Value> before_;
  std::vector<Value> after_;
  std::vector<uint64_t> before_mask_;
  std::vector<uint64_t> after_mask_;
};

}  // namespace starcdc::kafka
