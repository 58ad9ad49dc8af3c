#include "pipeline/registry.hpp"

#include "pipeline/common/assert.hpp"

namespace starcdc {

void ConnectorRegistry::add(SourceFactory f) {
  STARCDC_CHECK(source(f.type) == nullptr, "source type registered twice");
  sources_.push_back(std::move(f));
}

void ConnectorRegistry::add(SinkFactory f) {
  STARCDC_CHECK(sink(f.type) == nullptr, "sink type registered twice");
  sinks_.push_back(std::move(f));
}

const SourceFactory* ConnectorRegistry::source(const std::string& type) const {
  for (const auto& f : sources_) {
    if (f.type == type) {
      return &f;
    }
  }
  return nullptr;
}

const SinkFactory* ConnectorRegistry::sink(const std::string& type) const {
  for (const auto& f : sinks_) {
    if (f.type == type) {
      return &f;
    }
  }
  return nullptr;
}

config::ConnectorCatalog ConnectorRegistry::catalog() const {
  config::ConnectorCatalog c;
  c.source_options = [this](const std::string& type) -> const config::OptionSet* {
    const auto* f = source(type);
    return f == nullptr ? nullptr : f->options;
  };
  c.sink_options = [this](const std::string& type) -> const config::OptionSet* {
    const auto* f = sink(type);
    return f == nullptr ? nullptr : f->options;
  };
  for (const auto& f : sources_) {
    c.source_types.push_back(f.type);
  }
  for (const auto& f : sinks_) {
    c.sink_types.push_back(f.type);
  }
  return c;
}

}  // namespace starcdc
