// Process-wide metrics, rendered as Prometheus text. Names follow
// starcdc_<area>_<name>_<unit>; counters end in _total; labels are `pipeline` and `table` only.
// Creating a metric takes a lock; updating one is a relaxed atomic. Hot loops count locally and
// add once.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace starcdc {

class Counter {
 public:
  void add(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// Latency histogram in seconds with fixed buckets (1 ms .. 60 s).
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,   1.0,  2.5,   10.0, 60.0};
  void observe(double seconds);
  uint64_t bucket(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class Metrics {
 public:
  static Metrics& global();

  // Returns the metric named `name` (with an optional table label), creating it on first use.
  // References stay valid for the life of the process.
  Counter& counter(std::string_view name, std::string_view help, std::string_view table = {});
  Gauge& gauge(std::string_view name, std::string_view help, std::string_view table = {});
  Histogram& histogram(std::string_view name, std::string_view help);

  void set_pipeline(std::string pipeline);
  std::string render_prometheus() const;

 private:
  enum class Kind : unsigned char { Counter, Gauge, Histogram };
  struct Family {
    Kind kind;
    std::string help;
    std::map<std::string, Counter*> counters;  // by table label ("" = none)
    std::map<std::string, Gauge*> gauges;
    Histogram* histogram = nullptr;
  };
  Family& family(std::string_view name, std::string_view help, Kind kind);

  mutable std::mutex mu_;
  std::string pipeline_;
  std::map<std::string, Family, std::less<>> families_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
};

}  // namespace starcdc
