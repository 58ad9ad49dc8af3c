// Loads a pipeline file with the registry's connectors and their cross-option checks.
#pragma once

#include <optional>
#include <string>

#include "config/diagnostics.hpp"
#include "config/pipeline_file.hpp"
#include "config/substitution.hpp"
#include "pipeline/registry.hpp"

namespace starcdc {

// Every problem goes to `diags`. Secret values are registered with the logger for redaction.
std::optional<config::PipelineFile> load_pipeline(const std::string& path,
                                                  const ConnectorRegistry& registry,
                                                  config::Diagnostics& diags);
// The same for text named `path` in messages, with an explicit environment (tests).
std::optional<config::PipelineFile> load_pipeline_text(const std::string& text,
                                                       const std::string& path,
                                                       const ConnectorRegistry& registry,
                                                       const config::EnvLookup& env,
                                                       config::Diagnostics& diags);

}  // namespace starcdc
