#include "sources/kafka/dead_letter.hpp"

#include "pipeline/common/error.hpp"

namespace starcdc::kafka {

DeadLetterProducer::DeadLetterProducer(rd_kafka_conf_t* conf, std::string topic)
    : topic_(std::move(topic)) {
  char err[512];
  if (rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw Error(ErrorKind::Config, std::string("dead-letter producer: ") + err, "");
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_error_cb(conf, nullptr);  // the source's reads its opaque as the source
  rd_kafka_conf_set_dr_msg_cb(conf, &DeadLetterProducer::delivery_cb);
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);  // rd_kafka_new takes it only when it succeeds
    throw Error(ErrorKind::Config, std::string("cannot create the dead-letter producer: ") + err,
                "");
  }
}

DeadLetterProducer::~DeadLetterProducer() {
  rd_kafka_flush(rk_, 5000);
  rd_kafka_destroy(rk_);
}

// Served by rd_kafka_flush on the sending thread.
void DeadLetterProducer::delivery_cb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    static_cast<DeadLetterProducer*>(opaque)->error_ = rd_kafka_err2str(m->err);
  }
}

void DeadLetterProducer::send(const rd_kafka_message_t* m, const std::string& why,
                              const std::string& where) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(4);
  const std::string topic = rd_kafka_topic_name(m->rkt);
  const std::string partition = std::to_string(m->partition);
  const std::string offset = std::to_string(m->offset);
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"starcdc.error", &why},
        {"starcdc.topic", &topic},
        {"starcdc.partition", &partition},
        {"starcdc.offset", &offset}}) {
    rd_kafka_header_add(headers, name, -1, value->data(), static_cast<ssize_t>(value->size()));
  }
  rd_kafka_vu_t vu[5];
  vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
  vu[0].u.cstr = topic_.c_str();
  vu[1].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[1].u.mem.ptr = m->payload;
  vu[1].u.mem.size = m->len;
  vu[2].vtype = RD_KAFKA_VTYPE_KEY;
  vu[2].u.mem.ptr = m->key;
  vu[2].u.mem.size = m->key_len;
  vu[3].vtype = RD_KAFKA_VTYPE_HEADERS;
  vu[3].u.headers = headers;
  vu[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[4].u.i = RD_KAFKA_MSG_F_COPY;
  error_.clear();
  rd_kafka_error_t* produce_error = rd_kafka_produceva(rk_, vu, 5);
  const bool produced = produce_error == nullptr;
  if (!produced) {
    error_ = rd_kafka_error_string(produce_error);
    rd_kafka_error_destroy(produce_error);
    rd_kafka_headers_destroy(headers);
  }
  // Delivered or failed for good once flushed: the delivery report says which.
  if (!produced || rd_kafka_flush(rk_, 30000) != 0 || !error_.empty() ||
      rd_kafka_outq_len(rk_) > 0) {
    throw Error(ErrorKind::Transient,
                "cannot write the undecodable message at " + where + " to the dead-letter topic " +
                    topic_ + (error_.empty() ? std::string() : ": " + error_),
                where, "check that the topic exists and the user may write to it");
  }
}

}  // namespace starcdc::kafka
