#include "daemon/pipeline_loader.hpp"

#include "pipeline/common/log.hpp"
#include "pipeline/stages/transform_stage.hpp"

namespace starcdc {
namespace {

void register_secrets(const config::OptionSet& set, const config::OptionValues& values) {
  for (const auto& spec : set.specs()) {
    if (spec.secret && values.has(spec.name) && spec.type == config::OptionType::String) {
      log::add_redaction(values.get_string(spec.name));
    }
  }
}

std::optional<config::PipelineFile> finish(std::optional<config::PipelineFile> pf,
                                           const ConnectorRegistry& registry,
                                           config::Diagnostics& diags) {
  if (!pf) {
    return std::nullopt;
  }
  const SourceFactory* source = registry.source(pf->source.type);
  const SinkFactory* sink = registry.sink(pf->sink.type);
  register_secrets(*source->options, pf->source.options);
  register_secrets(*sink->options, pf->sink.options);
  if (source->check) {
    source->check(pf->source.options, pf->source.where, diags);
  }
  if (sink->check) {
    sink->check(pf->sink.options, pf->sink.where, diags);
  }
  TransformStage::check(pf->transforms, diags);
  if (!diags.empty()) {
    return std::nullopt;
  }
  return pf;
}

}  // namespace

std::optional<config::PipelineFile> load_pipeline(const std::string& path,
                                                  const ConnectorRegistry& registry,
                                                  config::Diagnostics& diags) {
  return finish(
      config::load_pipeline_file(path, registry.catalog(), config::process_environment(), diags),
      registry, diags);
}

std::optional<config::PipelineFile> load_pipeline_text(const std::string& text,
                                                       const std::string& path,
                                                       const ConnectorRegistry& registry,
                                                       const config::EnvLookup& env,
                                                       config::Diagnostics& diags) {
  return finish(config::load_pipeline_text(text, path, registry.catalog(), env, diags), registry,
                diags);
}

}  // namespace starcdc
