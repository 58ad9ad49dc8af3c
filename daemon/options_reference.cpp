#include "daemon/options_reference.hpp"

#include "config/options_doc.hpp"
#include "config/pipeline_file.hpp"
#include "daemon/builtin_connectors.hpp"

namespace starcdc {

std::string options_reference_markdown() {
  ConnectorRegistry registry;
  register_builtin_connectors(registry);
  std::vector<config::DocSection> sections;
  sections.push_back({"Block `pipeline`", "", &config::pipeline_options()});
  sections.push_back({"Block `route` (each rule)",
                      "Each rule maps the source tables its `source-table` pattern matches to "
                      "`sink-table`. Tables no rule matches keep their name. Many tables routed "
                      "to one sink table are merged (sharded tables).",
                      &config::route_options()});
  sections.push_back({"Block `transform` (each rule)",
                      "The first rule whose `source-table` pattern matches a table applies to "
                      "it. The expression language, its functions and how rules meet schema "
                      "changes are in docs/transforms.md.",
                      &config::transform_options()});
  sections.push_back({"Options of every source", "", &config::common_source_options()});
  for (const auto& f : registry.sources()) {
    sections.push_back({"Source `" + f.type + "`", "", f.options});
  }
  sections.push_back({"Options of every sink", "", &config::common_sink_options()});
  for (const auto& f : registry.sinks()) {
    sections.push_back({"Sink `" + f.type + "`", "", f.options});
  }
  return config::render_options_doc(sections);
}

}  // namespace starcdc
