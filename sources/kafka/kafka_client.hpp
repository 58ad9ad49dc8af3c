// Small helpers over librdkafka's C API for the kafka source: owning pointers for partition
// lists and messages, and the texts that name them in logs and errors. Thread: any.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <vector>

namespace starcdc::kafka {

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};

// topic/partition/offset: how errors and logs name a message.
inline std::string where_of(const rd_kafka_message_t* m) {
  return std::string(rd_kafka_topic_name(m->rkt)) + "/" + std::to_string(m->partition) + "/" +
         std::to_string(m->offset);
}

// topic/0, topic/1
inline std::string list_text(const rd_kafka_topic_partition_list_t* l) {
  std::string out;
  for (int i = 0; i < l->cnt; ++i) {
    out += (i == 0 ? "" : ", ") + std::string(l->elems[i].topic) + "/" +
           std::to_string(l->elems[i].partition);
  }
  return out;
}

// "a,b,c"
inline std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) {
    out += (out.empty() ? "" : ",") + x;
  }
  return out;
}

}  // namespace starcdc::kafka
