// Measures the discard-mode body parsers on one core, without HTTP: builds a 10-column Primary
// Key table and a body of N rows (JSON array of objects with `__op`, tab-separated CSV, or CSV
// with every field enclosed in '"' and '\\' as escape),
// then parses it repeatedly as a discard-mode Stream Load would (validate every value, keep
// nothing) and prints rows/s and MB/s (best of the runs, thread CPU time).
// usage: starrocks-emulator-parse-bench [--rows N] [--runs R] [--format json|csv|csv_enclosed|all]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "load_format.hpp"

namespace {

// CPU time of this thread: less sensitive than wall time to other processes on the machine.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

emu::Table make_table() {
  emu::Table t;
  t.name = "t";
  t.keys_type = emu::KeysType::kPrimary;
  const char* defs[][2] = {{"id", "BIGINT"},        {"c1", "BIGINT"},   {"c2", "VARCHAR(64)"},
                           {"c3", "DECIMAL(18,2)"}, {"c4", "DATETIME"}, {"c5", "INT"},
                           {"c6", "VARCHAR(255)"},  {"c7", "BOOLEAN"},  {"c8", "DOUBLE"},
                           {"c9", "VARCHAR(32)"}};
  for (auto& d : defs) {
    emu::Column c;
    c.name = d[0];
    std::string err;
    c.type = *emu::parse_column_type(d[1], &err);
    c.is_key = c.name == "id";
    c.nullable = !c.is_key;
    t.columns.push_back(c);
  }
  t.key_names = {"id"};
  return t;
}

// Every field enclosed in '"', as a writer using enclose '"' and escape '\\' sends it.
std::string make_enclosed_csv(size_t rows) {
  std::string b;
  b.reserve(rows * 200);
  char line[512];
  for (size_t i = 1; i <= rows; ++i) {
    int n =
        std::snprintf(line, sizeof(line),
                      "\"%zu\",\"%zu\",\"name-%zu\",\"%.2f\",\"2024-01-%02zu 10:11:12\",\"%zu\","
                      "\"some, \\\"quoted\\\" text %zu\",\"%zu\",\"%.3f\",\"x%zu\",\"%d\"\n",
                      i, i * 7, i, static_cast<double>(i) / 100.0, (i % 28) + 1, i % 1000, i, i % 2,
                      static_cast<double>(i) / 7.0, i, i % 10 == 0 ? 1 : 0);
    b.append(line, static_cast<size_t>(n));
  }
  return b;
}

std::string make_body(bool json, size_t rows) {
  std::string b;
  b.reserve(rows * 180);
  char line[512];
  if (json) {
    b.push_back('[');
  }
  for (size_t i = 1; i <= rows; ++i) {
    int n;
    if (json) {
      n = std::snprintf(line, sizeof(line),
                        "%s{\"id\":%zu,\"c1\":%zu,\"c2\":\"name-%zu\",\"c3\":%.2f,"
                        "\"c4\":\"2024-01-%02zu 10:11:12\",\"c5\":%zu,\"c6\":\"some text value "
                        "%zu\",\"c7\":%zu,\"c8\":%.3f,\"c9\":\"x%zu\",\"__op\":%d}",
                        i > 1 ? "," : "", i, i * 7, i, static_cast<double>(i) / 100.0, (i % 28) + 1,
                        i % 1000, i, i % 2, static_cast<double>(i) / 7.0, i, i % 10 == 0 ? 1 : 0);
    } else {
      n = std::snprintf(line, sizeof(line),
                        "%zu\t%zu\tname-%zu\t%.2f\t2024-01-%02zu 10:11:12\t%zu\tsome text value "
                        "%zu\t%zu\t%.3f\tx%zu\t%d\n",
                        i, i * 7, i, static_cast<double>(i) / 100.0, (i % 28) + 1, i % 1000, i,
                        i % 2, static_cast<double>(i) / 7.0, i, i % 10 == 0 ? 1 : 0);
    }
    b.append(line, static_cast<size_t>(n));
  }
  if (json) {
    b.push_back(']');
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 200000;
  int runs = 5;
  std::string format = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") {
      rows = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (a == "--runs") {
      runs = std::atoi(argv[i + 1]);
    } else if (a == "--format") {
      format = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  emu::Table table = make_table();
  for (const char* fmt : {"json", "csv", "csv_enclosed"}) {
    if (format != "all" && format != fmt) {
      continue;
    }
    bool json = std::strcmp(fmt, "json") == 0;
    bool enclosed = std::strcmp(fmt, "csv_enclosed") == 0;
    emu::HeaderMap h;
    h["format"] = json ? "json" : "csv";
    if (json) {
      h["strip_outer_array"] = "true";
    } else {
      h["columns"] = "id,c1,c2,c3,c4,c5,c6,c7,c8,c9,__op";
    }
    if (enclosed) {
      h["column_separator"] = ",";
      h["enclose"] = "\"";
      h["escape"] = "\\";
    }
    std::string err;
    auto params = emu::parse_load_params(h, &err);
    if (!params) {
      std::fprintf(stderr, "params: %s\n", err.c_str());
      return 1;
    }
    const std::string body = enclosed ? make_enclosed_csv(rows) : make_body(json, rows);
    std::string work;
    double best = 1e100;
    for (int r = 0; r < runs; ++r) {
      work.assign(body);  // the parser works in place
      emu::LoadOutput out;
      double t0 = cpu_seconds();
      emu::run_load(*params, &table, work.data(), work.size(), false, &out);
      double t1 = cpu_seconds();
      if (!out.fatal.empty() || out.counters.loaded != rows || out.counters.filtered != 0) {
        std::fprintf(stderr, "%s: unexpected result: fatal=%s loaded=%llu filtered=%llu\n", fmt,
                     out.fatal.c_str(), static_cast<unsigned long long>(out.counters.loaded),
                     static_cast<unsigned long long>(out.counters.filtered));
        return 1;
      }
      best = std::min(best, t1 - t0);
    }
    std::printf("%-12s %zu rows, %.1f MB: %.3f s  %6.0f MB/s  %5.2f M rows/s\n", fmt, rows,
                static_cast<double>(body.size()) / 1e6, best,
                static_cast<double>(body.size()) / best / 1e6,
                static_cast<double>(rows) / best / 1e6);
  }
  return 0;
}
