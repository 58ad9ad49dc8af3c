// Small helpers over librdkafka's C API for the kafka source: owning pointers for partition
// lists and messages, and the texts that name them in logs and errors. Thread: any.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"

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

// The partition's end offset (the offset its next message will get): so a start at the end
// is a concrete offset the position can carry.
inline int64_t end_offset(rd_kafka_t* rk, const char* topic, int32_t partition) {
  int64_t low = 0;
  int64_t high = 0;
  const rd_kafka_resp_err_t e =
      rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, 10000);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw Error(ErrorKind::Transient,
                std::string("cannot read the end offset: ") + rd_kafka_err2str(e),
                std::string(topic) + "/" + std::to_string(partition));
  }
  return high;
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
