#include "sources/kafka/kafka_source.hpp"

#include <librdkafka/rdkafka.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>

#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"
#include "pipeline/model/columns_json.hpp"
#include "sources/kafka/dead_letter.hpp"
#include "sources/kafka/decode_ahead.hpp"
#include "sources/kafka/formats/message.hpp"
#include "sources/kafka/kafka_client.hpp"
#include "sources/kafka/kafka_options.hpp"
#include "sources/kafka/kafka_position.hpp"
#include "sources/kafka/message_applier.hpp"

namespace starcdc::kafka {
namespace {

constexpr std::string_view kComponent = "source.kafka";

DecoderOptions decoder_options(const KafkaSettings& s) {
  DecoderOptions o;
  o.primary_key = s.primary_key;
  o.table_field = s.table_field;
  o.database_field = s.database_field;
  o.database = s.database;
  o.op_field = s.op_field;
  o.require_schema = s.schema_include;
  return o;
}

class KafkaSource : public Source {
 public:
  KafkaSource(const SourceContext& ctx, KafkaSettings s)
      : io_(ctx.io),
        s_(std::move(s)),
        applier_(ctx.schemas),
        messages_(
            Metrics::global().counter("starcdc_kafka_messages_total", "Kafka messages read.")),
        bytes_(Metrics::global().counter("starcdc_kafka_message_bytes_total",
                                         "Bytes of Kafka message values read.")),
        parse_errors_(Metrics::global().counter(
            "starcdc_kafka_parse_errors_total",
            "Kafka messages that could not be decoded (skipped or dead-lettered).")),
        assigned_(Metrics::global().gauge("starcdc_kafka_assigned_partitions",
                                          "Partitions this daemon reads.")),
        rebalances_(Metrics::global().counter(
            "starcdc_kafka_rebalances_total",
            "Partition assignments received (from the group, or at a start without one).")),
        ahead_([format = format_from(s_.format).value(),
                options = decoder_options(s_)] { return make_decoder(format, options); },
               s_.decode_threads) {}

  ~KafkaSource() override { shutdown(); }

  asio::awaitable<void> open(std::optional<Position> resume_after) override {
    if (resume_after && !resume_after->empty()) {
      rapidjson::Document doc;
      doc.Parse(resume_after->json().c_str());
      if (doc.HasParseError() || !read_offsets(doc, checkpoint_)) {
        throw Error(ErrorKind::Data, "the checkpoint's position is not a kafka position",
                    resume_after->json(), "the state directory belongs to another pipeline");
      }
      if (doc.HasMember("schemas") && doc["schemas"].IsObject()) {
        for (const auto& t : doc["schemas"].GetObject()) {
          std::vector<Column> cols;
          std::vector<uint16_t> key;
          const std::string name = t.name.GetString();
          const auto dot = name.find('.');
          if (dot == std::string::npos || !read_columns_json(t.value, cols, key)) {
            throw Error(ErrorKind::Data, "the checkpoint's table columns are malformed", name);
          }
          applier_.shapes().restore(TableId{name.substr(0, dot), name.substr(dot + 1)},
                                    std::move(cols), std::move(key));
        }
      }
      fresh_ = false;
    }
    schemas_json_ = applier_.shapes().json();
    connect();
    co_return;
  }

  asio::awaitable<PollResult> poll(Emitter& out, uint64_t max_events) override {
    release_revoked_if_committed();
    uint64_t events = 0;
    bool any = false;
    const auto deadline = std::chrono::steady_clock::now() + s_.poll_timeout;
    while (events < max_events) {
      top_up();
      if (!ahead_.pending()) {
        // Nothing fetched yet: wait on librdkafka's queue (a few ms on this thread, which has
        // nothing else to do meanwhile) rather than sleep and poll again. Within a batch a
        // short wait keeps polls from shrinking to a message each (each poll ends with a
        // position document).
        if (std::chrono::steady_clock::now() >= deadline) {
          break;
        }
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, any ? 1 : 10);
        if (m == nullptr) {
          throw_failure();
          if (any) {
            break;
          }
          continue;
        }
        ahead_.add(m, assignments_);
        top_up();
      }
      throw_failure();
      // While this batch is applied, the worker decodes the next one.
      const auto items = ahead_.take();
      top_up();
      any = true;
      for (const DecodeAhead::Item& it : items) {
        events += handle(it, out);
      }
      ahead_.release();
    }
    PollResult r;
    r.status = any ? PollStatus::Progress : PollStatus::Idle;
    r.boundary = position();
    // One cut per revocation: the epoch it waits for (later polls would only add tiny ones).
    r.checkpoint_now = revoke_pending_ && !revoke_cut_asked_;
    revoke_cut_asked_ = revoke_cut_asked_ || r.checkpoint_now;
    co_return r;
  }

  void on_committed(const Position& p) override {
    rapidjson::Document doc;
    doc.Parse(p.json().c_str());
    Offsets done;
    if (doc.HasParseError() || !read_offsets(doc, done)) {
      return;
    }
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(done.size())));
    for (const auto& [key, offset] : done) {
      if (offsets_.count(key) != 0) {  // not a partition released meanwhile
        committed_[key] = offset;
        rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset =
            offset;
      }
    }
    // Lag tools and the next owner of a partition read the group's offsets.
    if (list->cnt > 0 && rk_ != nullptr && !s_.group_id.empty()) {
      rd_kafka_commit(rk_, list.get(), 1);
    }
    release_revoked_if_committed();
  }

  asio::awaitable<void> close() override {
    // A stop ends with a final epoch: wait (a while) for its commit, so the group's offsets
    // say where it ended and the partitions' next owner starts there.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
    while (!s_.group_id.empty() && rk_ != nullptr && !all_committed() &&
           std::chrono::steady_clock::now() < deadline) {
      timer_.expires_after(std::chrono::milliseconds(10));
      co_await timer_.async_wait(asio::use_awaitable);
    }
    if (!s_.group_id.empty() && rk_ != nullptr && !all_committed()) {
      log::warn(kComponent,
                "Leaving the group before the final epoch's commit was confirmed; "
                "the partitions' next owner may read that epoch again.");
    }
    if (!s_.group_id.empty() && rk_ != nullptr && !committed_.empty()) {
      PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(committed_.size())));
      for (const auto& [key, offset] : committed_) {
        rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset =
            offset;
      }
      rd_kafka_commit(rk_, list.get(), 0);
    }
    shutdown();
    co_return;
  }

 private:
  // Owned partitions: when each was assigned (the count of assignments then), and its entry
  // in offsets_ once it has one.
  struct Owned {
    uint64_t assigned_at = 0;
    int64_t* next = nullptr;
  };
  // Leaves the group (revoked partitions are released at once: what this daemon read past its
  // checkpoint is read again by the next owner or by this daemon's next run).
  void shutdown() {
    closing_ = true;
    ahead_.clear();  // messages go before their consumer
    if (rk_ != nullptr) {
      rd_kafka_consumer_close(rk_);
      rd_kafka_destroy(rk_);
      rk_ = nullptr;
    }
    dlq_.reset();
  }

  void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw Error(ErrorKind::Config, "properties." + key + ": " + err, "properties." + key);
    }
  }

  rd_kafka_conf_t* base_conf() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [k, v] : s_.properties) {
      set(conf, k, v);
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_error_cb(conf, &KafkaSource::error_cb);
    rd_kafka_conf_set_log_cb(conf, &KafkaSource::log_cb);
    return conf;
  }

  void connect() {
    const std::string_view resume = fresh_ ? "scan.startup.mode" : "checkpoint";
    rd_kafka_conf_t* conf = base_conf();
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    set(conf, "enable.partition.eof", "false");
    // Every start is an explicit offset; this applies only when one is gone (retention deleted
    // the messages before they were read): an error, not a silent jump over lost messages.
    if (s_.properties.count("auto.offset.reset") == 0) {
      set(conf, "auto.offset.reset", "error");
    }
    // Prefetch: once its queue is full, librdkafka (before 2.4) fetches again only when its
    // broker thread next wakes, up to a second later, so the queue must hold a second of what
    // the daemon reads or the pipeline starves. Its defaults (100,000 messages, 64 MiB) gave
    // bench/kafka 136k messages/s; 256 MiB 620k; 512 MiB 780-810k, as 1 GiB did.
    if (s_.properties.count("queued.min.messages") == 0) {
      set(conf, "queued.min.messages", "1000000");
    }
    if (s_.properties.count("queued.max.messages.kbytes") == 0) {
      set(conf, "queued.max.messages.kbytes", "524288");
    }
    rd_kafka_conf_set_rebalance_cb(conf, &KafkaSource::rebalance_cb);
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);  // rd_kafka_new takes it only when it succeeds
      throw Error(ErrorKind::Config, std::string("cannot create the Kafka consumer: ") + err, "");
    }
    rd_kafka_poll_set_consumer(rk_);
    if (s_.group_id.empty()) {
      assign_all();
    } else {
      std::vector<std::string> topics = s_.topics;
      if (!s_.topic_pattern.empty()) {
        topics = {s_.topic_pattern[0] == '^' ? s_.topic_pattern : "^" + s_.topic_pattern};
      }
      PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
      for (const auto& t : topics) {
        rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
      }
      if (const rd_kafka_resp_err_t e = rd_kafka_subscribe(rk_, list.get()); e != 0) {
        throw Error(ErrorKind::Config, std::string("cannot subscribe: ") + rd_kafka_err2str(e), "");
      }
    }
    if (s_.parse_errors == ParseErrors::DeadLetter) {
      dlq_ = std::make_unique<DeadLetterProducer>(base_conf(), s_.dead_letter_topic);
    }
    log::info(kComponent, "Kafka consumer started.",
              {{"group", std::string_view(s_.group_id.empty() ? "(none: reads every partition)"
                                                              : s_.group_id)},
               {"topics", std::string_view(s_.topic_pattern.empty() ? join_list(s_.topics)
                                                                    : s_.topic_pattern)},
               {"format", std::string_view(s_.format)},
               {"resume", resume}});
  }

  // Without a group: every partition the topics have now, read by this daemon alone.
  void assign_all() {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t e = rd_kafka_metadata(rk_, 1, nullptr, &md, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // What the client reported meanwhile may say why (a TLS listener mismatch: refused).
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 0); m != nullptr) {
        rd_kafka_message_destroy(m);
      }
      throw_failure();
      throw Error(ErrorKind::Transient,
                  std::string("cannot read the topics' partitions: ") + rd_kafka_err2str(e),
                  s_.properties["bootstrap.servers"]);
    }
    PartitionList list(rd_kafka_topic_partition_list_new(0));
    for (const auto& topic : s_.topics) {
      bool found = false;
      for (int i = 0; i < md->topic_cnt; ++i) {
        const rd_kafka_metadata_topic_t& t = md->topics[i];
        if (topic != t.topic || t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          continue;
        }
        found = true;
        for (int p = 0; p < t.partition_cnt; ++p) {
          rd_kafka_topic_partition_list_add(list.get(), t.topic, t.partitions[p].id);
        }
      }
      if (!found) {
        rd_kafka_metadata_destroy(md);
        throw Error(ErrorKind::Transient, "topic " + topic + " does not exist (yet)", topic,
                    "create it, or set properties.group.id to wait for it");
      }
    }
    rd_kafka_metadata_destroy(md);
    reached_broker_ = true;
    on_assign(list.get());
  }

  // librdkafka's own log lines (from its threads) as ours: warnings and worse only.
  static void log_cb(const rd_kafka_t*, int level, const char* facility, const char* text) {
    if (level <= 4) {
      log::warn("source.kafka.librdkafka", text, {{"facility", std::string_view(facility)}});
    }
  }

  static void error_cb(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    const auto e = static_cast<rd_kafka_resp_err_t>(err);
    if (e == RD_KAFKA_RESP_ERR__FATAL) {
      self->fail(ErrorKind::Refused, std::string("Kafka client fatal error: ") + reason,
                 "see the broker's and the client's configuration");
      return;
    }
    if (e == RD_KAFKA_RESP_ERR__AUTHENTICATION || e == RD_KAFKA_RESP_ERR__SSL) {
      self->fail(ErrorKind::Refused, std::string("Kafka refused the connection: ") + reason,
                 "check properties.security.protocol, sasl.* and ssl.*");
      return;
    }
    if (e == RD_KAFKA_RESP_ERR__TRANSPORT && !self->reached_broker_ &&
        (std::strstr(reason, "SSL handshake failed") != nullptr ||
         std::strstr(reason, "security.protocol") != nullptr)) {
      // Before any broker ever answered: the configuration, not the network.
      self->fail(ErrorKind::Refused, std::string("cannot connect to Kafka: ") + reason,
                 "properties.security.protocol must match the broker's listener (SSL or "
                 "SASL_SSL for a TLS listener, PLAINTEXT or SASL_PLAINTEXT otherwise)");
      return;
    }
    self->warn_throttled(std::string(rd_kafka_err2name(e)) + ": " + reason);
  }

  void throw_failure() const {
    if (!failure_.empty()) {
      throw Error(failure_kind_, failure_, s_.properties.at("bootstrap.servers"), failure_hint_);
    }
  }

  // Moves what librdkafka holds now into the free batches and hands them to the worker.
  void top_up() {
    while (ahead_.can_add()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 0);
      if (m == nullptr) {
        break;
      }
      ahead_.add(m, assignments_);
      if (!ahead_.can_add()) {
        ahead_.submit();  // full: on with the next free slot
      }
    }
    ahead_.submit();
  }

  void fail(ErrorKind kind, std::string message, std::string hint) {
    if (failure_.empty()) {
      failure_kind_ = kind;
      failure_ = std::move(message);
      failure_hint_ = std::move(hint);
    }
  }

  void warn_throttled(const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_warn_ < std::chrono::seconds(10)) {
      return;
    }
    last_warn_ = now;
    log::warn(kComponent, "Kafka client problem; retrying.", {{"error", std::string_view(what)}});
  }

  void consumer_error(const rd_kafka_message_t* m) {
    switch (m->err) {
      case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        return;
      case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
        throw Error(ErrorKind::Refused,
                    std::string("the offset to resume from is no longer in Kafka (retention "
                                "deleted messages before they were read): ") +
                        rd_kafka_message_errstr(m),
                    m->rkt != nullptr ? std::string(rd_kafka_topic_name(m->rkt)) + "/" +
                                            std::to_string(m->partition)
                                      : "",
                    "those messages are lost to this pipeline; to go on from the oldest kept "
                    "message, set properties.auto.offset.reset: earliest (and consider a "
                    "longer retention)");
      case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
        throw Error(ErrorKind::Refused, std::string("Kafka refused: ") + rd_kafka_message_errstr(m),
                    m->rkt != nullptr ? rd_kafka_topic_name(m->rkt) : "",
                    "grant the user Read on the topics and the group");
      default:
        warn_throttled(std::string(rd_kafka_err2name(m->err)) + ": " + rd_kafka_message_errstr(m));
    }
  }

  static void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    try {
      if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        self->on_assign(parts);
      } else {
        self->on_revoke(parts);
      }
    } catch (const Error& e) {
      self->fail(e.kind(), e.what(), e.hint());
      (void)rk;
      self->unassign(parts);
    }
  }

  bool cooperative() const {
    return std::strcmp(rd_kafka_rebalance_protocol(rk_), "COOPERATIVE") == 0;
  }

  void on_assign(rd_kafka_topic_partition_list_t* parts) {
    PartitionList theirs(rd_kafka_topic_partition_list_copy(parts));
    for (int i = 0; i < theirs->cnt; ++i) {
      theirs->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
    }
    if (!s_.group_id.empty()) {
      rd_kafka_resp_err_t e = rd_kafka_committed(rk_, theirs.get(), 10000);
      for (int i = 0; e == RD_KAFKA_RESP_ERR_NO_ERROR && i < theirs->cnt; ++i) {
        e = theirs->elems[i].err;
      }
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Without the group's offsets a partition would start at the earliest offset.
        throw Error(
            ErrorKind::Transient,
            std::string("cannot read the group's committed offsets: ") + rd_kafka_err2str(e),
            list_text(parts));
      }
    }
    PartitionList by_time(rd_kafka_topic_partition_list_new(0));
    for (int i = 0; i < parts->cnt; ++i) {
      rd_kafka_topic_partition_t& p = parts->elems[i];
      const PartitionKey key{p.topic, p.partition};
      const int64_t group = theirs->elems[i].offset;
      auto ours = checkpoint_.find(key);
      int64_t start = RD_KAFKA_OFFSET_BEGINNING;
      if (!fresh_) {
        // The later of our checkpoint and the group's offset: the group's is ahead when
        // another daemon owned the partition since our checkpoint.
        if (ours != checkpoint_.end()) {
          start = std::max(ours->second, group);
        } else if (group >= 0) {
          start = group;
        }
      } else {
        switch (s_.startup) {
          case StartupMode::EarliestOffset:
            break;
          case StartupMode::LatestOffset:
            start = RD_KAFKA_OFFSET_END;
            break;
          case StartupMode::GroupOffsets:
            start = group >= 0 ? group : RD_KAFKA_OFFSET_BEGINNING;
            break;
          case StartupMode::Timestamp:
            rd_kafka_topic_partition_list_add(by_time.get(), p.topic, p.partition)->offset =
                s_.startup_timestamp_ms;
            break;
          case StartupMode::SpecificOffsets:
            for (const auto& so : s_.specific_offsets) {
              if ((so.topic.empty() || so.topic == p.topic) && so.partition == p.partition) {
                start = so.offset;
              }
            }
            break;
        }
      }
      if (start == RD_KAFKA_OFFSET_END) {
        start = end_offset(rk_, p.topic, p.partition);
      }
      p.offset = start;
      if (start >= 0) {
        offsets_[key] = start;
        if (!fresh_ && (ours != checkpoint_.end() || group >= 0)) {
          committed_[key] = start;  // already durable: in our checkpoint or the group
        }
      }
    }
    if (by_time->cnt > 0) {
      if (rd_kafka_offsets_for_times(rk_, by_time.get(), 10000) != 0) {
        throw Error(ErrorKind::Transient,
                    "cannot find the offsets for scan.startup.timestamp-millis",
                    list_text(by_time.get()));
      }
      for (int i = 0; i < by_time->cnt; ++i) {
        rd_kafka_topic_partition_t* p = rd_kafka_topic_partition_list_find(
            parts, by_time->elems[i].topic, by_time->elems[i].partition);
        p->offset = by_time->elems[i].offset >= 0 ? by_time->elems[i].offset
                                                  : end_offset(rk_, p->topic, p->partition);
        offsets_[PartitionKey{p->topic, p->partition}] = p->offset;
      }
    }
    rebalances_.add();
    if (!s_.group_id.empty() && cooperative()) {
      rd_kafka_error_t* e = rd_kafka_incremental_assign(rk_, parts);
      if (e != nullptr) {
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk_, parts);
    }
    // A partition paused when it was revoked stays paused in librdkafka until resumed.
    rd_kafka_resume_partitions(rk_, parts);
    reached_broker_ = true;
    ++assignments_;  // messages read before this are not applied to these partitions
    for (int i = 0; i < parts->cnt; ++i) {
      owned_[PartitionKey{parts->elems[i].topic, parts->elems[i].partition}] =
          Owned{assignments_, nullptr};
    }
    cursor_ = nullptr;
    assigned_.set(static_cast<double>(owned_.size()));
    // scan.startup.mode is for the first assignment only: partitions that come back after a
    // rebalance start where the group's committed offsets say.
    fresh_ = false;
    log::info(kComponent, "Partitions assigned.",
              {{"partitions", std::string_view(list_text(parts))}, {"owned", owned_.size()}});
  }

  void unassign(rd_kafka_topic_partition_list_t* parts) {
    if (cooperative()) {
      rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk_, parts);
      if (e != nullptr) {
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk_, nullptr);
    }
  }

  // Forgets everything about `parts`: offsets, group and checkpoint offsets, ownership.
  void disown(const rd_kafka_topic_partition_list_t* parts) {
    for (int i = 0; i < parts->cnt; ++i) {
      const PartitionKey key{parts->elems[i].topic, parts->elems[i].partition};
      offsets_.erase(key);
      committed_.erase(key);
      checkpoint_.erase(key);
      owned_.erase(key);
    }
    cursor_ = nullptr;
    assigned_.set(static_cast<double>(owned_.size()));
  }

  void on_revoke(rd_kafka_topic_partition_list_t* parts) {
    if (closing_) {
      unassign(parts);
      return;
    }
    if (rd_kafka_assignment_lost(rk_) != 0) {
      // Already given to another member (this one was evicted): nothing to commit for them.
      disown(parts);
      unassign(parts);
      log::warn(kComponent,
                "Partitions lost to the group (this member was evicted); what "
                "was read past the last committed epoch is read again by their "
                "new owner.",
                {{"partitions", std::string_view(list_text(parts))}});
      return;
    }
    if (revoking_ == nullptr) {
      revoking_.reset(rd_kafka_topic_partition_list_copy(parts));
    } else {
      for (int i = 0; i < parts->cnt; ++i) {
        if (rd_kafka_topic_partition_list_find(revoking_.get(), parts->elems[i].topic,
                                               parts->elems[i].partition) == nullptr) {
          rd_kafka_topic_partition_list_add(revoking_.get(), parts->elems[i].topic,
                                            parts->elems[i].partition);
        }
      }
    }
    rd_kafka_pause_partitions(rk_, parts);
    revoke_pending_ = true;
    revoke_cut_asked_ = false;
    log::info(kComponent, "Partitions revoked; committing their epoch before releasing them.",
              {{"partitions", std::string_view(list_text(parts))}});
  }

  void release_revoked_if_committed() {
    if (!revoke_pending_ || rk_ == nullptr) {
      return;
    }
    for (int i = 0; i < revoking_->cnt; ++i) {
      const PartitionKey key{revoking_->elems[i].topic, revoking_->elems[i].partition};
      auto mine = offsets_.find(key);
      auto done = committed_.find(key);
      if (mine != offsets_.end() && (done == committed_.end() || done->second != mine->second)) {
        return;  // read past the last committed epoch: wait for the next one
      }
    }
    PartitionList commit(rd_kafka_topic_partition_list_new(revoking_->cnt));
    for (int i = 0; i < revoking_->cnt; ++i) {
      const PartitionKey key{revoking_->elems[i].topic, revoking_->elems[i].partition};
      if (auto it = offsets_.find(key); it != offsets_.end()) {
        rd_kafka_topic_partition_list_add(commit.get(), key.first.c_str(), key.second)->offset =
            it->second;
      }
    }
    if (commit->cnt > 0) {
      // The next owner starts here.
      if (const rd_kafka_resp_err_t e = rd_kafka_commit(rk_, commit.get(), 0); e != 0) {
        log::warn(kComponent,
                  "Cannot commit the released partitions' offsets to the group; "
                  "their next owner starts at older offsets and reads again what "
                  "this daemon loaded since.",
                  {{"partitions", std::string_view(list_text(commit.get()))},
                   {"error", std::string_view(rd_kafka_err2str(e))}});
      }
    }
    disown(revoking_.get());  // (eager: revoking_ is the whole assignment)
    unassign(revoking_.get());
    log::info(kComponent, "Partitions released after their epoch was committed.",
              {{"partitions", std::string_view(list_text(revoking_.get()))}});
    revoking_.reset();
    revoke_pending_ = false;
  }

  bool all_committed() const {
    return std::all_of(offsets_.begin(), offsets_.end(), [&](const auto& o) {
      auto it = committed_.find(o.first);
      return it != committed_.end() && it->second == o.second;
    });
  }

  Position position() {
    if (applier_.shapes().changed_since_json()) {
      schemas_json_ = applier_.shapes().json();
    }
    return Position::from_json(position_json(offsets_, schemas_json_));
  }

  // The owned partition a message was read from, or nullptr when the message is no longer
  // this daemon's to apply: its partition was released or lost, or assigned again, since the
  // message was read (`stamp`), or is being revoked. Fetched before the pause, such a message
  // is left for the partition's next owner (maybe this daemon again), which starts at the
  // offset committed with this epoch; reading on would keep the epoch from ever catching up.
  Owned* owner_of(const rd_kafka_message_t* m, uint64_t stamp) {
    if (cursor_ == nullptr || m->rkt != cursor_rkt_ || m->partition != cursor_partition_) {
      auto it = owned_.find(PartitionKey{rd_kafka_topic_name(m->rkt), m->partition});
      if (it == owned_.end()) {
        return nullptr;
      }
      cursor_ = &it->second;
      cursor_rkt_ = m->rkt;
      cursor_partition_ = m->partition;
    }
    if (stamp < cursor_->assigned_at ||
        (revoke_pending_ &&
         rd_kafka_topic_partition_list_find(revoking_.get(), rd_kafka_topic_name(m->rkt),
                                            m->partition) != nullptr)) {
      return nullptr;
    }
    return cursor_;
  }

  // Emits what one decoded message says; returns the number of row events.
  uint64_t handle(const DecodeAhead::Item& it, Emitter& out) {
    const rd_kafka_message_t* m = it.message;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      consumer_error(m);
      return 0;
    }
    Owned* owned = owner_of(m, it.stamp);
    if (owned == nullptr) {
      return 0;
    }
    if (it.failure) {
      std::rethrow_exception(it.failure);
    }
    messages_.add();
    bytes_.add(m->len);
    uint64_t events = 0;
    if (it.decoded == nullptr) {
      bad_message(m, it.error->what());
    } else {
      if (applier_.shapes().changed_since_json()) {
        schemas_json_ = applier_.shapes().json();  // the position before this message
      }
      events = applier_.apply(*it.decoded, m, out, [this] {
        return Position::from_json(position_json(offsets_, schemas_json_));
      });
    }
    if (owned->next == nullptr) {
      owned->next = &offsets_[PartitionKey{rd_kafka_topic_name(m->rkt), m->partition}];
    }
    *owned->next = m->offset + 1;
    return events;
  }

  void bad_message(const rd_kafka_message_t* m, const std::string& why) {
    const std::string where = where_of(m);
    if (s_.parse_errors == ParseErrors::Fail) {
      throw Error(ErrorKind::Data, "cannot decode the message at " + where + ": " + why, where,
                  "fix the producer; scan.parse-errors: skip or dead-letter goes on past such "
                  "messages");
    }
    parse_errors_.add();
    if (s_.parse_errors == ParseErrors::Skip) {
      log::warn(kComponent, "Undecodable message skipped.",
                {{"message", std::string_view(where)}, {"error", std::string_view(why)}});
      return;
    }
    dlq_->send(m, why, where);
    log::warn(kComponent, "Undecodable message sent to the dead-letter topic.",
              {{"message", std::string_view(where)},
               {"topic", std::string_view(dlq_->topic())},
               {"error", std::string_view(why)}});
  }

  asio::io_context& io_;
  asio::steady_timer timer_{io_};
  KafkaSettings s_;
  MessageApplier applier_;
  rd_kafka_t* rk_ = nullptr;
  std::unique_ptr<DeadLetterProducer> dlq_;
  bool fresh_ = true;
  bool closing_ = false;
  bool reached_broker_ = false;  // a broker answered once: later transport errors are the network
  bool revoke_pending_ = false;
  bool revoke_cut_asked_ = false;
  PartitionList revoking_;
  Offsets checkpoint_;                   // from the checkpoint: where assigned partitions resume
  Offsets offsets_;                      // owned partitions: the next offset to read
  Offsets committed_;                    // as of the last committed epoch
  std::map<PartitionKey, Owned> owned_;  // see Owned
  uint64_t assignments_ = 0;
  // The partition of the last message handled (most come in runs from one partition).
  Owned* cursor_ = nullptr;
  const rd_kafka_topic_t* cursor_rkt_ = nullptr;
  int32_t cursor_partition_ = -1;
  std::string schemas_json_ = "{}";
  std::string failure_;
  std::string failure_hint_;
  ErrorKind failure_kind_ = ErrorKind::Internal;
  std::chrono::steady_clock::time_point last_warn_{};
  Counter& messages_;
  Counter& bytes_;
  Counter& parse_errors_;
  Gauge& assigned_;
  Counter& rebalances_;
  DecodeAhead ahead_;  // last: its worker stops before the rest goes
};

}  // namespace

SourceFactory kafka_source_factory() {
  SourceFactory f;
  f.type = "kafka";
  f.options = &kafka_options();
  f.create = [](const SourceContext& ctx,
                const config::OptionValues& o) -> std::unique_ptr<Source> {
    return std::make_unique<KafkaSource>(ctx, kafka_settings_from(o, ctx.pipeline));
  };
  f.check = check_kafka_options;
  return f;
}

}  // namespace starcdc::kafka
