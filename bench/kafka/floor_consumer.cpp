// floor_consumer: the floor of the Kafka benchmarks. A plain librdkafka consumer that reads
// every message of a topic and does nothing else: all partitions assigned from the beginning
// (no group join), messages and key + value bytes counted until N.
//
//   floor_consumer --bootstrap HOSTS --topic T --messages N [--latency] [-X key=value ...]
//
// Prints one JSON line on stdout:
//   {"messages":N,"bytes":B,"seconds":S,"rss_bytes":R[,"lat_p50_ms":..,"lat_p99_ms":..]}
// seconds: from before the first request to the Nth message; rss_bytes: getrusage ru_maxrss.
// --latency: receive time minus each message's CreateTime, as percentiles; meaningful only when
// the producer runs at the same time (else it measures how long messages waited in the topic).
// Exit 1 when the topic ends (every partition at its end) before N messages.
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kPollMs = 100;
constexpr int kMetadataTimeoutMs = 10000;
constexpr size_t kLatencyBuckets = 60000;  // 1 ms buckets up to one minute, the last open
constexpr long kBytesPerKib = 1024;

struct Args {
  std::string bootstrap;
  std::string topic;
  uint64_t messages = 0;
  bool latency = false;
  std::vector<std::pair<std::string, std::string>> props;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "floor_consumer: %s\n"
               "usage: floor_consumer --bootstrap HOSTS --topic T --messages N [--latency]\n"
               "  [-X key=value ...]\n",
               why);
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view k = argv[i];
    const auto value = [&]() -> std::string_view {
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
      const std::string_view v = value();
      const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), a.messages);
      if (ec != std::errc() || p != v.data() + v.size()) {
        usage("--messages wants a number");
      }
    } else if (k == "--latency") {
      a.latency = true;
    } else if (k == "-X") {
      const std::string_view kv = value();
      const size_t eq = kv.find('=');
      if (eq == std::string_view::npos) {
        usage("-X wants key=value");
      }
      a.props.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    } else {
      usage("unknown argument");
    }
  }
  if (a.bootstrap.empty() || a.topic.empty() || a.messages == 0) {
    usage("--bootstrap, --topic and --messages are required");
  }
  return a;
}

double percentile(const std::vector<uint64_t>& hist, uint64_t total, double p) {
  const auto rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total - 1));
  uint64_t seen = 0;
  for (size_t ms = 0; ms < hist.size(); ++ms) {
    seen += hist[ms];
    if (seen > rank) {
      return static_cast<double>(ms);
    }
  }
  return static_cast<double>(hist.size() - 1);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> settings = {
      {"bootstrap.servers", a.bootstrap},
      {"group.id", "floor-consumer"},  // required by the consumer API; never joined
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "true"},
  };
  settings.insert(settings.end(), a.props.begin(), a.props.end());
  for (const auto& [k, v] : settings) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "floor_consumer: %s\n", errstr);
      return 2;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    std::fprintf(stderr, "floor_consumer: %s\n", errstr);
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();

  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, a.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t me = rd_kafka_metadata(rk, 0, t, &md, kMetadataTimeoutMs);
  rd_kafka_topic_destroy(t);
  if (me != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
      md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "floor_consumer: no metadata for %s: %s\n", a.topic.c_str(),
                 rd_kafka_err2str(me != RD_KAFKA_RESP_ERR_NO_ERROR ? me : md->topics[0].err));
    return 1;
  }
  const int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, a.topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);

  std::vector<uint64_t> hist(a.latency ? kLatencyBuckets : 0);
  uint64_t messages = 0;
  uint64_t bytes = 0;
  uint64_t checksum = 0;
  int at_end = 0;
  while (messages < a.messages) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, kPollMs);
    if (m == nullptr) {
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (++at_end == partitions) {
        rd_kafka_message_destroy(m);
        break;
      }
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "floor_consumer: %s\n", rd_kafka_message_errstr(m));
    } else {
      ++messages;
      bytes += m->len + m->key_len;
      // Touch the payload so the read is real, not just a pointer handed over.
      if (m->len != 0) {
        checksum += static_cast<const unsigned char*>(m->payload)[m->len - 1];
      }
      if (a.latency) {
        const int64_t created = rd_kafka_message_timestamp(m, nullptr);
        const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        const int64_t lat = created < 0 ? 0 : now - created;
        const auto bucket = static_cast<size_t>(lat < 0 ? 0 : lat);
        ++hist[bucket < kLatencyBuckets ? bucket : kLatencyBuckets - 1];
      }
    }
    rd_kafka_message_destroy(m);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("{\"messages\":%llu,\"bytes\":%llu,\"seconds\":%.3f,\"rss_bytes\":%ld",
              static_cast<unsigned long long>(messages), static_cast<unsigned long long>(bytes),
              seconds, ru.ru_maxrss * kBytesPerKib);
  if (a.latency && messages > 0) {
    std::printf(",\"lat_p50_ms\":%.0f,\"lat_p99_ms\":%.0f", percentile(hist, messages, 50),
                percentile(hist, messages, 99));
  }
  std::printf(",\"checksum\":%llu}\n", static_cast<unsigned long long>(checksum));
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (messages < a.messages) {
    std::fprintf(stderr, "floor_consumer: the topic ended after %llu of %llu messages\n",
                 static_cast<unsigned long long>(messages),
                 static_cast<unsigned long long>(a.messages));
    return 1;
  }
  return 0;
}
