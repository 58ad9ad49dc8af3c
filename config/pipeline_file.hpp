// A pipeline file: Flink CDC 3.x blocks `source`, `sink`, `route`, `transform`, `pipeline`.
// Loading validates everything and reports every problem at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/option_spec.hpp"
#include "config/option_values.hpp"
#include "config/substitution.hpp"
#include "config/yaml_tree.hpp"

namespace starcdc::config {

struct ConnectorBlock {
  std::string type;
  std::string name;  // optional `name:`
  OptionValues options;
  Location where;
};

struct RouteRule {
  std::string source_table;  // a table pattern (table_pattern.hpp)
  std::string sink_table;    // db.table, may hold $1.. or the replace symbol
  std::string replace_symbol;
  std::string description;
  Location where;
};

struct TransformRule {
  OptionValues options;
  Location where;
};

struct PipelineFile {
  std::string path;
  ConnectorBlock source;
  ConnectorBlock sink;
  std::vector<RouteRule> routes;
  std::vector<TransformRule> transforms;
  OptionValues pipeline;
  std::string name;       // pipeline.name, or the file name without extension
  std::string state_dir;  // pipeline.state.dir, or $STATE_DIRECTORY, or /var/lib/starcdc/<name>
};

// What the loader needs to know of the connectors (the registry provides it).
struct ConnectorCatalog {
  std::function<const OptionSet*(const std::string& type)> source_options;
  std::function<const OptionSet*(const std::string& type)> sink_options;
  std::vector<std::string> source_types;
  std::vector<std::string> sink_types;
};

const OptionSet& pipeline_options();
const OptionSet& route_options();
const OptionSet& transform_options();
// Options every source has (`tables`, `tables.exclude`) and every sink has
// (`include.schema.changes`, `exclude.schema.changes`).
const OptionSet& common_source_options();
const OptionSet& common_sink_options();

std::optional<PipelineFile> load_pipeline_text(const std::string& text, const std::string& path,
                                               const ConnectorCatalog& catalog,
                                               const EnvLookup& env, Diagnostics& diags);
std::optional<PipelineFile> load_pipeline_file(const std::string& path,
                                               const ConnectorCatalog& catalog,
                                               const EnvLookup& env, Diagnostics& diags);

}  // namespace starcdc::config
