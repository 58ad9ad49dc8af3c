// DecodeAhead with real librdkafka messages (from librdkafka's in-process mock cluster): batches
// come back in the order they were submitted whatever worker decoded them, every message keeps
// its own decoded result until its batch is released, bad input is reported per message, and
// clear() gives back what is held.
#include "sources/kafka/decode_ahead.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

namespace starcdc::kafka {
namespace {

constexpr const char* kTopic = "ahead";

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[256];
  REQUIRE(rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
}

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Kafka = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// A producer with a mock cluster inside; `values` produced to partition 0 of kTopic.
Kafka produce(const std::vector<std::string>& values, std::string& bootstrap) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "test.mock.num.brokers", "1");
  set(conf, "log_level", "3");  // not the notice that the mock cluster is on
  char err[256];
  Kafka p(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
  REQUIRE(p != nullptr);
  bootstrap = rd_kafka_mock_cluster_bootstraps(rd_kafka_handle_mock_cluster(p.get()));
  REQUIRE(rd_kafka_mock_topic_create(rd_kafka_handle_mock_cluster(p.get()), kTopic, 1, 1) == 0);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(p.get(), kTopic, nullptr);
  for (const std::string& v : values) {
    REQUIRE(rd_kafka_produce(topic, 0, RD_KAFKA_MSG_F_COPY, const_cast<char*>(v.data()), v.size(),
                             nullptr, 0, nullptr) == 0);
  }
  rd_kafka_topic_destroy(topic);
  REQUIRE(rd_kafka_flush(p.get(), 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  return p;
}

Kafka consumer(const std::string& bootstrap) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "group.id", "decode-ahead-test");  // assign() alone, but librdkafka wants one
  char err[256];
  Kafka c(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  REQUIRE(c != nullptr);
  rd_kafka_poll_set_consumer(c.get());
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, kTopic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(c.get(), list) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(list);
  return c;
}

rd_kafka_message_t* next(rd_kafka_t* c) {
  for (int i = 0; i < 100; ++i) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 100);
    if (m != nullptr && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      return m;
    }
    if (m != nullptr) {
      rd_kafka_message_destroy(m);
    }
  }
  FAIL("no message from the mock cluster");
  return nullptr;
}

DecodeAhead::DecoderFactory json_decoders() {
  DecoderOptions o;
  o.primary_key = {"id"};
  return [o] { return make_decoder(Format::Json, o); };
}

}  // namespace

TEST_CASE("DecodeAhead: in order across workers, a result per message, errors in place",
          "[kafka]") {
  constexpr int kMessages = 1500;
  std::vector<std::string> values;
  for (int i = 0; i < kMessages; ++i) {
    values.push_back(i % 97 == 5 ? "{\"id\": " + std::to_string(i) + ", \"name\": "  // cut off
                                 : "{\"id\": " + std::to_string(i) + ", \"name\": \"n" +
                                       std::to_string(i) + "\"}");
  }
  std::string bootstrap;
  Kafka producer = produce(values, bootstrap);
  Kafka c = consumer(bootstrap);

  for (unsigned threads : {1U, 3U}) {
    DYNAMIC_SECTION(threads << " worker(s)") {
      DecodeAhead ahead(json_decoders(), threads);
      if (threads == 3) {
        // A second read of the topic from the start.
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, kTopic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
        REQUIRE(rd_kafka_assign(c.get(), list) == RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_topic_partition_list_destroy(list);
      }
      int fed = 0;
      int seen = 0;
      int errors = 0;
      while (seen < kMessages) {
        // Fill every free slot, in batches of varying size, before taking one.
        while (fed < kMessages && ahead.can_add()) {
          ahead.add(next(c.get()), static_cast<uint64_t>(fed));
          ++fed;
          if (fed % 37 == 0) {
            ahead.submit();
          }
        }
        ahead.submit();
        REQUIRE(ahead.pending());
        for (const DecodeAhead::Item& it : ahead.take()) {
          CHECK(it.stamp == static_cast<uint64_t>(seen));
          CHECK(it.message->offset == seen);
          CHECK_FALSE(it.failure);
          if (seen % 97 == 5) {
            REQUIRE(it.error.has_value());
            CHECK(it.decoded == nullptr);
            ++errors;
          } else {
            REQUIRE(it.decoded != nullptr);
            REQUIRE(it.decoded->rows.size() == 1);
            const auto& after = it.decoded->rows[0].after;
            REQUIRE(after.size() == 2);
            CHECK(after[0].value.i == seen);
            CHECK(after[1].value.text() == "n" + std::to_string(seen));
          }
          ++seen;
        }
        ahead.release();
      }
      CHECK(errors == (kMessages + 91) / 97);
      CHECK_FALSE(ahead.pending());
    }
  }
}

TEST_CASE("DecodeAhead: clear() gives back every message it holds", "[kafka]") {
  std::vector<std::string> values(600, "{\"id\": 1}");
  std::string bootstrap;
  Kafka producer = produce(values, bootstrap);
  Kafka c = consumer(bootstrap);
  DecodeAhead ahead(json_decoders(), 2);
  for (int i = 0; i < 600 && ahead.can_add(); ++i) {
    ahead.add(next(c.get()), 0);
    if (!ahead.can_add()) {
      ahead.submit();
    }
  }
  ahead.submit();
  (void)ahead.take();  // one taken, others queued or decoded, maybe one still filling
  ahead.clear();
  CHECK_FALSE(ahead.pending());
  CHECK(ahead.can_add());
  c.reset();  // (a message left over would be a leak the sanitizer build reports)
}

}  // namespace starcdc::kafka
