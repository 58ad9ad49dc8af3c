#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

namespace emu {
namespace {

constexpr const char* kUsage = R"(usage: starrocks-emulator [options]

A small StarRocks cluster (one FE, one BE) for tests and benchmarks.

  --host ADDR                   listen address (127.0.0.1)
  --fe-http-port N              FE HTTP port, 0 = OS-picked (8030)
  --be-http-port N              BE HTTP port, 0 = OS-picked (8040)
  --mysql-port N                FE MySQL-protocol port, 0 = OS-picked (9030)
  --ports-file PATH             write {"fe_http":..,"be_http":..,"mysql":..} once listening
  --user NAME / --password PW   account checked on HTTP and MySQL (root / empty)
  --discard                     parse and count loaded rows, keep nothing (benchmarks)
  --verbose                     one line per request on stderr
  --time-scale F                multiply every server-side duration by F (1.0)
  --txn-timeout S               default txn timeout (600)
  --prepared-timeout S          default prepared txn timeout (86400)
  --idle-check-interval S       BE clean-thread cadence for idle/timeout aborts (30)
  --commit-wait S               FE commit publish wait without a timeout header (20)
  --max-running-txn-per-db N    running (PREPARE/PREPARED/COMMITTED) txns per db (1000)
  --json-max-body-bytes N       JSON body cap without ignore_json_size (104857600)
  --max-body-bytes N            body cap per load / cumulative per txn (streaming_load_max_mb)
  --version-limit N             tablet versions before "too many versions" (1000)
  --compaction-per-sec F        versions compacted away per table per second (50)
  --label-keep-max-num N        finished txns remembered per db (1000)
  --label-keep-max-second S     age after which finished txns are forgotten (259200)
  --alter-delay-ms MS           duration of ALTER TABLE jobs (300)
  --server-version V            reported by current_version() (3.3.0-emulator)
  --state-dir DIR               keep databases, rows and prepared/finished txns in
                                DIR/emulator-state.json across restarts (saved every second
                                when something changed, and at SIGINT/SIGTERM)
)";

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int* exit_code) {
  Options o;
  auto num = [](const std::string& v, double* d) {
    char* end = nullptr;
    *d = std::strtod(v.c_str(), &end);
    return end != v.c_str() && *end == '\0';
  };
  using Setter = std::function<bool(const std::string&)>;
  auto port = [&](uint16_t* dst) -> Setter {
    return [dst, &num](const std::string& v) {
      double d = 0;
      if (!num(v, &d) || d < 0 || d > 65535) {
        return false;
      }
      *dst = static_cast<uint16_t>(d);
      return true;
    };
  };
  auto real = [&](double* dst) -> Setter {
    return [dst, &num](const std::string& v) { return num(v, dst) && *dst >= 0; };
  };
  auto integer = [&](auto* dst) -> Setter {
    return [dst, &num](const std::string& v) {
      double d = 0;
      if (!num(v, &d) || d < 0) {
        return false;
      }
      *dst = static_cast<std::remove_pointer_t<decltype(dst)>>(d);
      return true;
    };
  };
  auto text = [](std::string* dst) -> Setter {
    return [dst](const std::string& v) {
      *dst = v;
      return true;
    };
  };
  std::map<std::string, Setter> with_value = {
      {"--host", text(&o.host)},
      {"--fe-http-port", port(&o.fe_http_port)},
      {"--be-http-port", port(&o.be_http_port)},
      {"--mysql-port", port(&o.mysql_port)},
      {"--ports-file", text(&o.ports_file)},
      {"--user", text(&o.user)},
      {"--password", text(&o.password)},
      {"--time-scale", real(&o.time_scale)},
      {"--txn-timeout", real(&o.txn_timeout_s)},
      {"--prepared-timeout", real(&o.prepared_timeout_s)},
      {"--idle-check-interval", real(&o.idle_check_interval_s)},
      {"--commit-wait", real(&o.commit_wait_s)},
      {"--max-running-txn-per-db", integer(&o.max_running_txn_per_db)},
      {"--json-max-body-bytes", integer(&o.json_max_body_bytes)},
      {"--max-body-bytes", integer(&o.max_body_bytes)},
      {"--version-limit", integer(&o.version_limit)},
      {"--compaction-per-sec", real(&o.compaction_versions_per_s)},
      {"--label-keep-max-num", integer(&o.label_keep_max_num)},
      {"--label-keep-max-second", real(&o.label_keep_max_s)},
      {"--alter-delay-ms", real(&o.alter_delay_ms)},
      {"--server-version", text(&o.version)},
      {"--state-dir", text(&o.state_dir)},
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      *exit_code = 0;
      return std::nullopt;
    }
    if (a == "--discard") {
      o.discard = true;
      continue;
    }
    if (a == "--verbose") {
      o.verbose = true;
      continue;
    }
    auto it = with_value.find(a);
    if (it == with_value.end()) {
      std::fprintf(stderr, "starrocks-emulator: unknown option %s (see --help)\n", a.c_str());
      *exit_code = 2;
      return std::nullopt;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "starrocks-emulator: %s needs a value\n", a.c_str());
        *exit_code = 2;
        return std::nullopt;
      }
      value = argv[++i];
    }
    if (!it->second(value)) {
      std::fprintf(stderr, "starrocks-emulator: bad value '%s' for %s\n", value.c_str(),
                   a.c_str());
      *exit_code = 2;
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace emu
