// DeadLetterProducer: writes undecodable messages to the dead-letter topic
// (`scan.parse-errors: dead-letter`): the same key and value, with headers saying why and where
// from (starcdc.error, starcdc.topic, starcdc.partition, starcdc.offset). Each send waits until
// the topic has the message, so a checkpoint never passes a message the topic does not hold.
// Thread: pipeline.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

namespace starcdc::kafka {

class DeadLetterProducer {
 public:
  // Takes `conf` (the consumer's client settings). Error(Config) when librdkafka refuses them.
  DeadLetterProducer(rd_kafka_conf_t* conf, std::string topic);
  ~DeadLetterProducer();
  DeadLetterProducer(const DeadLetterProducer&) = delete;
  DeadLetterProducer& operator=(const DeadLetterProducer&) = delete;

  // Error(Transient) when the topic did not take the message (`where`: topic/partition/offset).
  void send(const rd_kafka_message_t* m, const std::string& why, const std::string& where);
  const std::string& topic() const { return topic_; }

 private:
  static void delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);

  rd_kafka_t* rk_ = nullptr;
  std::string topic_;
  std::string error_;  // the last delivery report's error
};

}  // namespace starcdc::kafka
