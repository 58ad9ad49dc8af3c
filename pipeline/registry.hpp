// ConnectorRegistry: connector type → factory and OptionSet. Only daemon/builtin_connectors.cpp
// fills it; tests build one with just what they use.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/option_spec.hpp"
#include "config/option_values.hpp"
#include "config/pipeline_file.hpp"
#include "pipeline/common/asio.hpp"
#include "pipeline/schema_registry.hpp"
#include "pipeline/sink.hpp"
#include "pipeline/source.hpp"

namespace starcdc {

struct SourceContext {
  std::string pipeline;
  SchemaRegistry& schemas;
  asio::io_context& io;  // the pipeline thread's loop
};

struct SinkContext {
  std::string pipeline;
  asio::io_context& io;  // the control thread's loop
};

// Cross-option checks that types alone cannot express; problems go to diags.
using ConnectorCheck =
    std::function<void(const config::OptionValues&, const config::Location&, config::Diagnostics&)>;

struct SourceFactory {
  std::string type;
  const config::OptionSet* options = nullptr;
  std::function<std::unique_ptr<Source>(const SourceContext&, const config::OptionValues&)> create;
  ConnectorCheck check;  // may be empty
};

struct SinkFactory {
  std::string type;
  const config::OptionSet* options = nullptr;
  std::function<std::unique_ptr<Sink>(const SinkContext&, const config::OptionValues&)> create;
  ConnectorCheck check;  // may be empty
};

class ConnectorRegistry {
 public:
  void add(SourceFactory f);
  void add(SinkFactory f);
  const SourceFactory* source(const std::string& type) const;
  const SinkFactory* sink(const std::string& type) const;
  const std::vector<SourceFactory>& sources() const { return sources_; }
  const std::vector<SinkFactory>& sinks() const { return sinks_; }
  config::ConnectorCatalog catalog() const;

 private:
  std::vector<SourceFactory> sources_;
  std::vector<SinkFactory> sinks_;
};

}  // namespace starcdc
