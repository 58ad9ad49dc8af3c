#include "pipeline/common/metrics.hpp"

#include <charconv>

#include "pipeline/common/assert.hpp"

namespace starcdc {

void Histogram::observe(double seconds) {
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + seconds, std::memory_order_relaxed)) {
  }
}

Metrics& Metrics::global() {
  static Metrics m;
  return m;
}

void Metrics::set_pipeline(std::string pipeline) {
  std::lock_guard lock(mu_);
  pipeline_ = std::move(pipeline);
}

Metrics::Family& Metrics::family(std::string_view name, std::string_view help, Kind kind) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{kind, std::string(help), {}, {}, nullptr})
             .first;
  }
  STARCDC_CHECK(it->second.kind == kind, "metric registered twice with different kinds");
  return it->second;
}

Counter& Metrics::counter(std::string_view name, std::string_view help, std::string_view table) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, Kind::Counter);
  auto [it, inserted] = f.counters.try_emplace(std::string(table), nullptr);
  if (inserted) {
    it->second = &counters_.emplace_back();
  }
  return *it->second;
}

Gauge& Metrics::gauge(std::string_view name, std::string_view help, std::string_view table) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, Kind::Gauge);
  auto [it, inserted] = f.gauges.try_emplace(std::string(table), nullptr);
  if (inserted) {
    it->second = &gauges_.emplace_back();
  }
  return *it->second;
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, Kind::Histogram);
  if (f.histogram == nullptr) {
    f.histogram = &histograms_.emplace_back();
  }
  return *f.histogram;
}

namespace {

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string labels(std::string_view pipeline, std::string_view table, std::string_view extra = {}) {
  std::string s = "{pipeline=\"" + escape_label(pipeline) + "\"";
  if (!table.empty()) {
    s += ",table=\"" + escape_label(table) + "\"";
  }
  if (!extra.empty()) {
    s += ",";
    s += extra;
  }
  s += "}";
  return s;
}

std::string number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form
  return std::string(buf, end);
}

}  // namespace

std::string Metrics::render_prometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n";
    switch (f.kind) {
      case Kind::Counter:
        out += "# TYPE " + name + " counter\n";
        for (const auto& [table, c] : f.counters) {
          out += name + labels(pipeline_, table) + " " + std::to_string(c->value()) + "\n";
        }
        break;
      case Kind::Gauge:
        out += "# TYPE " + name + " gauge\n";
        for (const auto& [table, g] : f.gauges) {
          out += name + labels(pipeline_, table) + " " + number(g->value()) + "\n";
        }
        break;
      case Kind::Histogram: {
        out += "# TYPE " + name + " histogram\n";
        const Histogram& h = *f.histogram;
        for (size_t i = 0; i < Histogram::kBounds.size(); ++i) {
          out += name + "_bucket" +
                 labels(pipeline_, {}, "le=\"" + number(Histogram::kBounds[i]) + "\"") + " " +
                 std::to_string(h.bucket(i)) + "\n";
        }
        out += name + "_bucket" + labels(pipeline_, {}, "le=\"+Inf\"") + " " +
               std::to_string(h.count()) + "\n";
        out += name + "_sum" + labels(pipeline_, {}) + " " + number(h.sum()) + "\n";
        out += name + "_count" + labels(pipeline_, {}) + " " + std::to_string(h.count()) + "\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace starcdc
