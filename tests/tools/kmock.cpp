// kmock: librdkafka's mock Kafka cluster as a standalone server on 127.0.0.1, for tests and
// benchmarks that run clients in other processes (kcat, the daemon, bench tools).
//
//   kmock [-b BROKERS] [-f BOOTSTRAP_FILE] [-c CONTROL] [TOPIC:PARTITIONS ...]
//
// When the cluster listens, the bootstrap list (host:port,...) is the first line on stdout and,
// with -f, the whole content of BOOTSTRAP_FILE (written to a temporary name and renamed, so a
// reader never sees half of it). Then control commands are read one per line from CONTROL: stdin
// by default or with "-c -" (EOF ends kmock), a FIFO path (opened read-write: writers may come
// and go, only "quit" or a signal ends kmock), or "-c none" (no commands; run until a signal).
// Each command answers exactly one line on stdout, "ok[ DETAILS]" or "error MESSAGE":
//
//   down BROKER | up BROKER           listener refuses / accepts connections (-1: all brokers)
//   rtt BROKER MS                     delay every response of BROKER (-1: all)
//   topic NAME PARTITIONS [REPL]      create a topic (the mock has no CreateTopics API)
//   leader TOPIC PARTITION BROKER     move a partition's leader (-1: leader-less)
//   error APIKEY CNT ERR...           the next CNT requests of APIKEY, on any broker, fail with
//                                     the errors in turn (the last one repeats when fewer given)
//   broker-error BROKER APIKEY ERR MS [ERR MS ...]
//                                     the next requests of APIKEY on BROKER answer ERR after MS
//                                     (ERR 0 = a plain delay)
//   pending BROKER APIKEY             -> ok N: broker-level errors not yet consumed
//   clear APIKEY                      drop the cluster-level errors still queued for APIKEY
//   topic-error TOPIC ERR             Metadata answers ERR for TOPIC (0 clears it)
//   coordinator group|transaction KEY BROKER
//   committed GROUP TOPIC             -> ok P=OFFSET ... (OFFSET "none" when nothing committed)
//   watermarks TOPIC                  -> ok P=LOW:HIGH ...
//   bootstrap                         -> ok HOST:PORT,...
//   ping | quit
//
// APIKEY is a number or a request name (Produce, Fetch, OffsetCommit, ...); ERR a number or an
// error name as in rdkafka.h without its prefix (NOT_LEADER_FOR_PARTITION, _TRANSPORT, ...).
// SIGTERM or SIGINT stop the cluster and exit 0. All data lives in memory.
#include <fcntl.h>
#include <poll.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

// rdkafka_mock.h refuses to be included before rdkafka.h.
#include <librdkafka/rdkafka.h>
// clang-format off
#include <librdkafka/rdkafka_mock.h>
// clang-format on

namespace {

constexpr int kDefaultBrokers = 3;
constexpr int kMaxReplication = 3;
constexpr int kPollMs = 200;
constexpr int kClientTimeoutMs = 10000;

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int /*sig*/) { g_stop = 1; }

struct Options {
  int brokers = kDefaultBrokers;
  std::string bootstrap_file;
  std::string control = "-";
  std::vector<std::string> topics;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "kmock: %s\n"
               "usage: kmock [-b BROKERS] [-f BOOTSTRAP_FILE] [-c -|FIFO|none] "
               "[TOPIC:PARTITIONS ...]\n",
               why);
  std::exit(2);
}

std::optional<long> to_long(const std::string& s) {
  if (s.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') {
    return std::nullopt;
  }
  return v;
}

Options parse_args(int argc, char** argv) {
  Options o;
  int opt = 0;
  while ((opt = getopt(argc, argv, "b:f:c:h")) != -1) {
    switch (opt) {
      case 'b': {
        const auto n = to_long(optarg);
        if (!n || *n < 1 || *n > 100) {
          usage("-b wants a broker count between 1 and 100");
        }
        o.brokers = static_cast<int>(*n);
        break;
      }
      case 'f':
        o.bootstrap_file = optarg;
        break;
      case 'c':
        o.control = optarg;
        break;
      default:
        usage("unknown option");
    }
  }
  for (int i = optind; i < argc; ++i) {
    o.topics.emplace_back(argv[i]);
  }
  return o;
}

// Kafka protocol request keys (the ApiKey of each request header), by the protocol's names.
struct ApiName {
  const char* name;
  int16_t key;
};
constexpr ApiName kApis[] = {
    {"Produce", 0},          {"Fetch", 1},
    {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},     {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},       {"LeaveGroup", 13},
    {"SyncGroup", 14},       {"ApiVersions", 18},
    {"InitProducerId", 22},  {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25}, {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
};

std::optional<int16_t> api_key(const std::string& s) {
  if (const auto n = to_long(s); n && *n >= 0 && *n < INT16_MAX) {
    return static_cast<int16_t>(*n);
  }
  for (const auto& a : kApis) {
    if (strcasecmp(a.name, s.c_str()) == 0) {
      return a.key;
    }
  }
  return std::nullopt;
}

std::optional<rd_kafka_resp_err_t> error_code(std::string s) {
  if (const auto n = to_long(s)) {
    return static_cast<rd_kafka_resp_err_t>(*n);
  }
  static const std::string kPrefix = "RD_KAFKA_RESP_ERR_";
  if (strncasecmp(s.c_str(), kPrefix.c_str(), kPrefix.size()) == 0) {
    s.erase(0, kPrefix.size());
  }
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t i = 0; i < count; ++i) {
    if (descs[i].name != nullptr && strcasecmp(descs[i].name, s.c_str()) == 0) {
      return descs[i].code;
    }
  }
  return std::nullopt;
}

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// A client handle on the cluster, for the queries the mock API lacks (committed offsets,
// watermarks). Returns null with the reason in `err`.
KafkaHandle make_client(rd_kafka_type_t type, const std::string& bootstrap,
                        const std::string& group, std::string& err) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  const auto set = [&](const char* k, const std::string& v) {
    return rd_kafka_conf_set(conf, k, v.c_str(), errstr, sizeof errstr) == RD_KAFKA_CONF_OK;
  };
  if (!set("bootstrap.servers", bootstrap) || !set("log_level", "3") ||
      (!group.empty() && (!set("group.id", group) || !set("enable.auto.commit", "false")))) {
    rd_kafka_conf_destroy(conf);
    err = errstr;
    return nullptr;
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    err = errstr;
  }
  return KafkaHandle(rk);
}

// The partition count of `topic`, or -1 with the reason in `err`.
int partition_count(rd_kafka_t* rk, const std::string& topic, std::string& err) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, t, &md, kClientTimeoutMs);
  rd_kafka_topic_destroy(t);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    err = rd_kafka_err2str(e);
    return -1;
  }
  int count = -1;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic) {
      if (md->topics[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = rd_kafka_err2str(md->topics[i].err);
      } else {
        count = md->topics[i].partition_cnt;
      }
    }
  }
  rd_kafka_metadata_destroy(md);
  if (count < 0 && err.empty()) {
    err = "unknown topic";
  }
  return count;
}

class Server {
 public:
  Server(rd_kafka_t* host, rd_kafka_mock_cluster_t* cluster, int brokers)
      : host_(host), cluster_(cluster), brokers_(brokers) {}
  ~Server() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(host_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  rd_kafka_resp_err_t create_topic(const std::string& name, int partitions, int replication) {
    return rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication);
  }
  int default_replication() const {
    return brokers_ < kMaxReplication ? brokers_ : kMaxReplication;
  }

  // Runs one command line; returns the answer line (without the newline). Sets `quit`.
  std::string execute(const std::string& line, bool& quit);

 private:
  std::string committed(const std::string& group, const std::string& topic);
  std::string watermarks(const std::string& topic);

  rd_kafka_t* host_;
  rd_kafka_mock_cluster_t* cluster_;
  int brokers_;
};

std::string answer(rd_kafka_resp_err_t e) {
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
    return "ok";
  }
  return std::string("error ") + rd_kafka_err2name(e) + ": " + rd_kafka_err2str(e);
}

std::string Server::execute(const std::string& line, bool& quit) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string word; in >> word;) {
    w.push_back(word);
  }
  if (w.empty()) {
    return "error empty command";
  }
  const std::string& cmd = w[0];
  const auto num = [&](size_t i) { return i < w.size() ? to_long(w[i]) : std::nullopt; };
  const auto bad = [&](const char* form) { return std::string("error usage: ") + form; };

  if (cmd == "ping") {
    return "ok";
  }
  if (cmd == "quit") {
    quit = true;
    return "ok";
  }
  if (cmd == "bootstrap") {
    return "ok " + bootstrap();
  }
  if (cmd == "down" || cmd == "up") {
    const auto b = num(1);
    if (w.size() != 2 || !b) {
      return bad("down|up BROKER");
    }
    const auto id = static_cast<int32_t>(*b);
    return answer(cmd == "down" ? rd_kafka_mock_broker_set_down(cluster_, id)
                                : rd_kafka_mock_broker_set_up(cluster_, id));
  }
  if (cmd == "rtt") {
    const auto b = num(1);
    const auto ms = num(2);
    if (w.size() != 3 || !b || !ms || *ms < 0) {
      return bad("rtt BROKER MS");
    }
    return answer(
        rd_kafka_mock_broker_set_rtt(cluster_, static_cast<int32_t>(*b), static_cast<int>(*ms)));
  }
  if (cmd == "topic") {
    const auto parts = num(2);
    const auto repl = w.size() == 4 ? num(3) : std::optional<long>(default_replication());
    if (w.size() < 3 || w.size() > 4 || !parts || *parts < 1 || !repl || *repl < 1) {
      return bad("topic NAME PARTITIONS [REPLICATION]");
    }
    return answer(create_topic(w[1], static_cast<int>(*parts), static_cast<int>(*repl)));
  }
  if (cmd == "leader") {
    const auto p = num(2);
    const auto b = num(3);
    if (w.size() != 4 || !p || !b) {
      return bad("leader TOPIC PARTITION BROKER");
    }
    return answer(rd_kafka_mock_partition_set_leader(
        cluster_, w[1].c_str(), static_cast<int32_t>(*p), static_cast<int32_t>(*b)));
  }
  if (cmd == "error") {
    const auto key = w.size() > 1 ? api_key(w[1]) : std::nullopt;
    const auto cnt = num(2);
    if (w.size() < 4 || !key || !cnt || *cnt < 1) {
      return bad("error APIKEY CNT ERR...");
    }
    std::vector<rd_kafka_resp_err_t> errs;
    for (size_t i = 3; i < w.size(); ++i) {
      const auto e = error_code(w[i]);
      if (!e) {
        return "error unknown error code " + w[i];
      }
      errs.push_back(*e);
    }
    while (errs.size() < static_cast<size_t>(*cnt)) {
      errs.push_back(errs.back());
    }
    errs.resize(static_cast<size_t>(*cnt));
    rd_kafka_mock_push_request_errors_array(cluster_, *key, errs.size(), errs.data());
    return "ok";
  }
  if (cmd == "broker-error") {
    const auto b = num(1);
    const auto key = w.size() > 2 ? api_key(w[2]) : std::nullopt;
    if (w.size() < 5 || (w.size() - 3) % 2 != 0 || !b || !key) {
      return bad("broker-error BROKER APIKEY ERR MS [ERR MS ...]");
    }
    for (size_t i = 3; i < w.size(); i += 2) {
      const auto e = error_code(w[i]);
      const auto ms = num(i + 1);
      if (!e || !ms || *ms < 0) {
        return "error bad error/delay pair " + w[i] + " " + w[i + 1];
      }
      const rd_kafka_resp_err_t r = rd_kafka_mock_broker_push_request_error_rtts(
          cluster_, static_cast<int32_t>(*b), *key, 1, *e, static_cast<int>(*ms));
      if (r != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return answer(r);
      }
    }
    return "ok";
  }
  if (cmd == "pending") {
    const auto b = num(1);
    const auto key = w.size() > 2 ? api_key(w[2]) : std::nullopt;
    if (w.size() != 3 || !b || !key) {
      return bad("pending BROKER APIKEY");
    }
    size_t count = 0;
    const rd_kafka_resp_err_t r =
        rd_kafka_mock_broker_error_stack_cnt(cluster_, static_cast<int32_t>(*b), *key, &count);
    return r == RD_KAFKA_RESP_ERR_NO_ERROR ? "ok " + std::to_string(count) : answer(r);
  }
  if (cmd == "clear") {
    const auto key = w.size() == 2 ? api_key(w[1]) : std::nullopt;
    if (!key) {
      return bad("clear APIKEY");
    }
    rd_kafka_mock_clear_request_errors(cluster_, *key);
    return "ok";
  }
  if (cmd == "topic-error") {
    const auto e = w.size() == 3 ? error_code(w[2]) : std::nullopt;
    if (!e) {
      return bad("topic-error TOPIC ERR");
    }
    rd_kafka_mock_topic_set_error(cluster_, w[1].c_str(), *e);
    return "ok";
  }
  if (cmd == "coordinator") {
    const auto b = num(3);
    if (w.size() != 4 || (w[1] != "group" && w[1] != "transaction") || !b) {
      return bad("coordinator group|transaction KEY BROKER");
    }
    return answer(rd_kafka_mock_coordinator_set(cluster_, w[1].c_str(), w[2].c_str(),
                                                static_cast<int32_t>(*b)));
  }
  if (cmd == "committed") {
    if (w.size() != 3) {
      return bad("committed GROUP TOPIC");
    }
    return committed(w[1], w[2]);
  }
  if (cmd == "watermarks") {
    if (w.size() != 2) {
      return bad("watermarks TOPIC");
    }
    return watermarks(w[1]);
  }
  return "error unknown command " + cmd;
}

// OffsetFetch through a consumer that names the group but never joins it: reading the offsets
// does not disturb the group's members.
std::string Server::committed(const std::string& group, const std::string& topic) {
  std::string err;
  const KafkaHandle rk = make_client(RD_KAFKA_CONSUMER, bootstrap(), group, err);
  if (!rk) {
    return "error " + err;
  }
  const int parts = partition_count(rk.get(), topic, err);
  if (parts < 0) {
    return "error " + topic + ": " + err;
  }
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(parts);
  for (int p = 0; p < parts; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  }
  const rd_kafka_resp_err_t e = rd_kafka_committed(rk.get(), list, kClientTimeoutMs);
  std::string out = "ok";
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out = answer(e);
  } else {
    for (int i = 0; i < list->cnt; ++i) {
      const auto& tp = list->elems[i];
      if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        out =
            "error " + topic + "/" + std::to_string(tp.partition) + ": " + rd_kafka_err2str(tp.err);
        break;
      }
      out += " " + std::to_string(tp.partition) + "=" +
             (tp.offset < 0 ? std::string("none") : std::to_string(tp.offset));
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_consumer_close(rk.get());
  return out;
}

std::string Server::watermarks(const std::string& topic) {
  std::string err;
  const KafkaHandle rk = make_client(RD_KAFKA_PRODUCER, bootstrap(), "", err);
  if (!rk) {
    return "error " + err;
  }
  const int parts = partition_count(rk.get(), topic, err);
  if (parts < 0) {
    return "error " + topic + ": " + err;
  }
  std::string out = "ok";
  for (int p = 0; p < parts; ++p) {
    int64_t lo = 0;
    int64_t hi = 0;
    const rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &lo, &hi, kClientTimeoutMs);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return "error " + topic + "/" + std::to_string(p) + ": " + rd_kafka_err2str(e);
    }
    out += " " + std::to_string(p) + "=" + std::to_string(lo) + ":" + std::to_string(hi);
  }
  return out;
}

bool write_bootstrap_file(const std::string& path, const std::string& bootstrap) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return false;
  }
  const bool ok = std::fprintf(f, "%s\n", bootstrap.c_str()) > 0;
  return (std::fclose(f) == 0) && ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

void say(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// Reads commands from `fd` until EOF (stdin), "quit" or a signal.
void serve(Server& server, int fd) {
  std::string pending;
  char buf[4096];
  bool quit = false;
  while (g_stop == 0 && !quit) {
    if (fd < 0) {
      pause();  // -c none: only a signal ends the run
      continue;
    }
    pollfd p{fd, POLLIN, 0};
    const int r = poll(&p, 1, kPollMs);
    if (r <= 0) {
      continue;
    }
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) {
      break;  // EOF on stdin
    }
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      std::perror("kmock: read");
      break;
    }
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl = pending.find('\n'); nl != std::string::npos && !quit;
         nl = pending.find('\n')) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') {
        continue;
      }
      say(server.execute(line, quit));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  int control = -1;
  if (opt.control == "-") {
    control = STDIN_FILENO;
  } else if (opt.control != "none") {
    // Read-write: the FIFO then always has a writer (us), so writers closing is no EOF.
    control = open(opt.control.c_str(), O_RDWR | O_CLOEXEC);
    if (control < 0) {
      std::fprintf(stderr, "kmock: %s: %s\n", opt.control.c_str(), std::strerror(errno));
      return 1;
    }
  }

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (host == nullptr) {
    std::fprintf(stderr, "kmock: rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host, opt.brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "kmock: the mock cluster did not start\n");
    rd_kafka_destroy(host);
    return 1;
  }
  Server server(host, cluster, opt.brokers);

  for (const std::string& spec : opt.topics) {
    const size_t colon = spec.rfind(':');
    const std::string name = spec.substr(0, colon);
    const auto parts =
        colon == std::string::npos ? std::optional<long>(1) : to_long(spec.substr(colon + 1));
    if (name.empty() || !parts || *parts < 1) {
      std::fprintf(stderr, "kmock: bad topic %s (want NAME:PARTITIONS)\n", spec.c_str());
      return 2;
    }
    const rd_kafka_resp_err_t e =
        server.create_topic(name, static_cast<int>(*parts), server.default_replication());
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "kmock: topic %s: %s\n", name.c_str(), rd_kafka_err2str(e));
      return 1;
    }
  }

  const std::string bootstrap = server.bootstrap();
  if (!opt.bootstrap_file.empty() && !write_bootstrap_file(opt.bootstrap_file, bootstrap)) {
    std::fprintf(stderr, "kmock: %s: %s\n", opt.bootstrap_file.c_str(), std::strerror(errno));
    return 1;
  }
  say(bootstrap);

  serve(server, control);
  return 0;
}
