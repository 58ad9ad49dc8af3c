// produce_bench_messages: fills a topic with Debezium JSON change events (MySQL connector shape,
// op "c") for the Kafka benchmarks, as fast as librdkafka batches them.
//
//   produce_bench_messages --bootstrap HOSTS --topic T --messages N [--partitions P]
//                          [--with-schema] [--compression none|lz4|zstd|snappy|gzip]
//                          [--linger-ms MS] [--first-id ID]
//
// Rows of table bench.t, 10 columns: id BIGINT (the key, {"id":N}), qty INT, stock SMALLINT,
// account BIGINT, amount DECIMAL(12,2) (Debezium's precise mode: base64 of the big-endian two's
// complement unscaled value), name VARCHAR(32), email VARCHAR(64), note VARCHAR(200) (NULL on
// every tenth row), created DATETIME(6) (io.debezium.time.MicroTimestamp: microseconds since the
// epoch), active BOOLEAN. Message i goes to partition i % P, so partitions fill evenly and each
// holds ascending ids. Without --with-schema the value is the bare envelope (JSON converter,
// schemas.enable=false); with it, key and value carry the {"schema":...,"payload":...} wrapper.
//
// Prints one JSON line on stdout: {"messages":N,"bytes":B,"seconds":S} where B counts key and
// value bytes; progress and errors go to stderr. Exit 1 when any message was not delivered.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace {

constexpr int kPollEveryMessages = 1024;
constexpr int kFlushTimeoutMs = 120000;
constexpr int64_t kCreatedBaseMicros = 1704067200000000;  // 2024-01-01T00:00:00Z
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kUnscaledModulus = 100000000000;  // keeps DECIMAL(12,2) in range
constexpr int kNullNoteEvery = 10;

struct Args {
  std::string bootstrap;
  std::string topic;
  uint64_t messages = 0;
  int partitions = 1;
  bool with_schema = false;
  std::string compression = "none";
  std::string linger_ms = "20";
  uint64_t first_id = 1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "produce_bench_messages: %s\n"
               "usage: produce_bench_messages --bootstrap HOSTS --topic T --messages N\n"
               "  [--partitions P] [--with-schema] [--compression CODEC] [--linger-ms MS]\n"
               "  [--first-id ID]\n",
               why);
  std::exit(2);
}

uint64_t parse_u64(const char* s) {
  uint64_t v = 0;
  const char* end = s + std::strlen(s);
  const auto [p, ec] = std::from_chars(s, end, v);
  if (ec != std::errc() || p != end) {
    usage("not a number");
  }
  return v;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view k = argv[i];
    const auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage("missing value");
      }
      return argv[++i];
    };
    if (k == "--bootstrap") {
      a.bootstrap = value();
    } else if (k == "--topic") {
      a.topic = value();
    } else if (k == "--messages") {
      a.messages = parse_u64(value());
    } else if (k == "--partitions") {
      a.partitions = static_cast<int>(std::clamp<uint64_t>(parse_u64(value()), 1, 100000));
    } else if (k == "--with-schema") {
      a.with_schema = true;
    } else if (k == "--compression") {
      a.compression = value();
    } else if (k == "--linger-ms") {
      a.linger_ms = value();
    } else if (k == "--first-id") {
      a.first_id = parse_u64(value());
    } else {
      usage("unknown argument");
    }
  }
  if (a.bootstrap.empty() || a.topic.empty() || a.messages == 0) {
    usage("--bootstrap, --topic and --messages are required");
  }
  return a;
}

// Appends without reallocating on the hot path: the buffer is reused for every message.
class Json {
 public:
  void clear() { s_.clear(); }
  Json& raw(std::string_view v) {
    s_.append(v);
    return *this;
  }
  Json& num(int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    s_.append(buf, r.ptr);
    return *this;
  }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

// org.apache.kafka.connect.data.Decimal in JSON: base64 of the minimal big-endian two's
// complement bytes of the unscaled value.
void append_decimal_base64(Json& out, int64_t unscaled) {
  unsigned char be[8];
  for (int i = 0; i < 8; ++i) {
    be[7 - i] = static_cast<unsigned char>((static_cast<uint64_t>(unscaled) >> (8 * i)) & 0xff);
  }
  int start = 0;
  while (start < 7 && ((be[start] == 0x00 && (be[start + 1] & 0x80) == 0) ||
                       (be[start] == 0xff && (be[start + 1] & 0x80) != 0))) {
    ++start;
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const int n = 8 - start;
  const unsigned char* p = be + start;
  out.raw("\"");
  for (int i = 0; i < n; i += 3) {
    const uint32_t b0 = p[i];
    const uint32_t b1 = i + 1 < n ? p[i + 1] : 0;
    const uint32_t b2 = i + 2 < n ? p[i + 2] : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    const char chunk[4] = {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63],
                           i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=',
                           i + 2 < n ? kAlphabet[v & 63] : '='};
    out.raw(std::string_view(chunk, 4));
  }
  out.raw("\"");
}

// The Kafka Connect schema of the row struct (before/after).
constexpr std::string_view kRowFields =
    R"([{"type":"int64","optional":false,"field":"id"},)"
    R"({"type":"int32","optional":true,"field":"qty"},)"
    R"({"type":"int16","optional":true,"field":"stock"},)"
    R"({"type":"int64","optional":true,"field":"account"},)"
    R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",)"
    R"("version":1,"parameters":{"scale":"2","connect.decimal.precision":"12"},)"
    R"("field":"amount"},)"
    R"({"type":"string","optional":true,"field":"name"},)"
    R"({"type":"string","optional":true,"field":"email"},)"
    R"({"type":"string","optional":true,"field":"note"},)"
    R"({"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp",)"
    R"("version":1,"field":"created"},)"
    R"({"type":"boolean","optional":true,"field":"active"}])";

std::string value_schema() {
  std::string s = R"({"type":"struct","fields":[)";
  for (const char* side : {"before", "after"}) {
    s += R"({"type":"struct","fields":)";
    s += kRowFields;
    s += R"(,"optional":true,"name":"bench.bench.t.Value","field":")";
    s += side;
    s += R"("},)";
  }
  s += R"({"type":"struct","fields":[)"
       R"({"type":"string","optional":false,"field":"version"},)"
       R"({"type":"string","optional":false,"field":"connector"},)"
       R"({"type":"string","optional":false,"field":"name"},)"
       R"({"type":"int64","optional":false,"field":"ts_ms"},)"
       R"({"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,)"
       R"("parameters":{"allowed":"true,last,false,incremental"},"default":"false",)"
       R"("field":"snapshot"},)"
       R"({"type":"string","optional":false,"field":"db"},)"
       R"({"type":"string","optional":true,"field":"table"},)"
       R"({"type":"int64","optional":false,"field":"server_id"},)"
       R"({"type":"string","optional":true,"field":"gtid"},)"
       R"({"type":"string","optional":false,"field":"file"},)"
       R"({"type":"int64","optional":false,"field":"pos"},)"
       R"({"type":"int32","optional":false,"field":"row"},)"
       R"({"type":"int64","optional":true,"field":"thread"},)"
       R"({"type":"string","optional":true,"field":"query"}],)"
       R"("optional":false,"name":"io.debezium.connector.mysql.Source","field":"source"},)"
       R"({"type":"string","optional":false,"field":"op"},)"
       R"({"type":"int64","optional":true,"field":"ts_ms"},)"
       R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},)"
       R"({"type":"int64","optional":false,"field":"total_order"},)"
       R"({"type":"int64","optional":false,"field":"data_collection_order"}],)"
       R"("optional":true,"name":"event.block","version":1,"field":"transaction"}],)"
       R"("optional":false,"name":"bench.bench.t.Envelope","version":1})";
  return s;
}

constexpr std::string_view kKeySchema =
    R"({"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],)"
    R"("optional":false,"name":"bench.bench.t.Key"})";

void build_key(Json& k, bool with_schema, int64_t id) {
  k.clear();
  if (with_schema) {
    k.raw(R"({"schema":)").raw(kKeySchema).raw(R"(,"payload":{"id":)").num(id).raw("}}");
  } else {
    k.raw(R"({"id":)").num(id).raw("}");
  }
}

void build_value(Json& v, const std::string& schema, int64_t id, int64_t now_ms) {
  v.clear();
  if (!schema.empty()) {
    v.raw(R"({"schema":)").raw(schema).raw(R"(,"payload":)");
  }
  v.raw(R"({"before":null,"after":{"id":)").num(id);
  v.raw(R"(,"qty":)").num(id * 7 % 1000003);
  v.raw(R"(,"stock":)").num(id % 32000);
  v.raw(R"(,"account":)").num(id * 1000003);
  v.raw(R"(,"amount":)");
  append_decimal_base64(v, (id * 7919) % kUnscaledModulus * (id % 17 == 0 ? -1 : 1));
  v.raw(R"(,"name":"user-)").num(id);
  v.raw(R"(","email":"user.)").num(id * 31).raw(R"(@example.com","note":)");
  if (id % kNullNoteEvery == 0) {
    v.raw("null");
  } else {
    v.raw(R"("order note )").num(id).raw(R"( - deliver to the back door, ring twice")");
  }
  v.raw(R"(,"created":)").num(kCreatedBaseMicros + id * kMicrosPerSecond + id % 1000000);
  v.raw(R"(,"active":)").raw(id % 3 == 0 ? "false" : "true");
  v.raw(R"(},"source":{"version":"2.5.0.Final","connector":"mysql","name":"bench","ts_ms":)")
      .num(now_ms);
  v.raw(R"(,"snapshot":"false","db":"bench","table":"t","server_id":1,"gtid":null,)"
        R"("file":"mysql-bin.000003","pos":)")
      .num(4 + id * 290);
  v.raw(R"(,"row":0,"thread":null,"query":null},"op":"c","ts_ms":)").num(now_ms);
  v.raw(R"(,"transaction":null})");
  if (!schema.empty()) {
    v.raw("}");
  }
}

uint64_t g_failed = 0;

void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* /*opaque*/) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (g_failed++ == 0) {
      std::fprintf(stderr, "produce_bench_messages: delivery failed: %s\n",
                   rd_kafka_err2str(m->err));
    }
  }
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", a.bootstrap},
      {"compression.codec", a.compression},
      {"linger.ms", a.linger_ms},
      {"batch.num.messages", "100000"},
      {"batch.size", "4000000"},
      {"queue.buffering.max.messages", "2000000"},
      {"queue.buffering.max.kbytes", "262144"},
      {"message.timeout.ms", "120000"},
  };
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "produce_bench_messages: %s\n", errstr);
      return 2;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    std::fprintf(stderr, "produce_bench_messages: %s\n", errstr);
    return 1;
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, a.topic.c_str(), nullptr);

  const std::string schema = a.with_schema ? value_schema() : std::string();
  Json key;
  Json value;
  uint64_t bytes = 0;
  int64_t stamp = now_ms();
  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < a.messages; ++i) {
    const auto id = static_cast<int64_t>(a.first_id + i);
    if (i % kPollEveryMessages == 0) {
      rd_kafka_poll(rk, 0);
      stamp = now_ms();
    }
    build_key(key, a.with_schema, id);
    build_value(value, schema, id, stamp);
    const auto partition = static_cast<int32_t>(i % static_cast<uint64_t>(a.partitions));
    // RD_KAFKA_MSG_F_COPY: librdkafka copies both buffers, which are reused right away.
    while (rd_kafka_produce(topic, partition, RD_KAFKA_MSG_F_COPY,
                            const_cast<char*>(value.str().data()), value.str().size(),
                            key.str().data(), key.str().size(), nullptr) != 0) {
      const rd_kafka_resp_err_t e = rd_kafka_last_error();
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "produce_bench_messages: %s\n", rd_kafka_err2str(e));
        return 1;
      }
      rd_kafka_poll(rk, 10);
    }
    bytes += key.str().size() + value.str().size();
  }
  const rd_kafka_resp_err_t flushed = rd_kafka_flush(rk, kFlushTimeoutMs);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR || g_failed != 0) {
    std::fprintf(stderr, "produce_bench_messages: %llu messages not delivered (%s)\n",
                 static_cast<unsigned long long>(g_failed), rd_kafka_err2str(flushed));
    return 1;
  }
  std::printf("{\"messages\":%llu,\"bytes\":%llu,\"seconds\":%.3f}\n",
              static_cast<unsigned long long>(a.messages), static_cast<unsigned long long>(bytes),
              seconds);
  return 0;
}
