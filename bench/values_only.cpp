// The ceiling for bench/pipeline: the values source alone, polled into an emitter that only
// touches each value. Whatever the pipeline adds is measured against this, in the same run.
//   starcdc_bench_values_only ROWS COLUMNS TABLES
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/yaml_tree.hpp"
#include "pipeline/registry.hpp"
#include "sources/values/values_options.hpp"
#include "sources/values/values_source.hpp"

namespace {

struct Touch : starcdc::Emitter {
  uint64_t events = 0;
  uint64_t sum = 0;
  void event(const starcdc::ChangeEvent& e) override {
    ++events;
    for (const auto& v : e.after.values) {
      sum += v.u + v.size;
    }
  }
  void schema_change(const starcdc::SchemaChange&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  using namespace starcdc;  // NOLINT(google-build-using-namespace): a small program
  const std::string rows = argc > 1 ? argv[1] : "10000000";
  const std::string columns = argc > 2 ? argv[2] : "10";
  const std::string tables = argc > 3 ? argv[3] : "10";
  config::Diagnostics diags;
  auto node = config::parse_yaml("rows.total: " + rows + "\ncolumns: " + columns +
                                     "\ntable.count: " + tables +
                                     "\ntransaction.size: 100\noperations: insert-only\n",
                                 "bench", diags);
  auto options = values::values_options().parse(*node, {}, diags);
  if (!diags.empty()) {
    std::fputs(diags.str().c_str(), stderr);
    return 2;
  }
  asio::io_context io;
  SchemaRegistry schemas;
  auto source =
      values::values_source_factory().create(SourceContext{"bench", schemas, io}, options);
  Touch touch;
  const auto t0 = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await source->open(std::nullopt);
        for (;;) {
          PollResult r = co_await source->poll(touch, 4096);
          if (r.status == PollStatus::EndOfInput) {
            break;
          }
        }
      },
      asio::detached);
  io.run();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"events\":%llu,\"seconds\":%.6f,\"checksum\":%llu}\n",
              static_cast<unsigned long long>(touch.events), s,
              static_cast<unsigned long long>(touch.sum));
  return 0;
}
