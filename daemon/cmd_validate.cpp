#include <cstdio>

#include "config/diagnostics.hpp"
#include "daemon/builtin_connectors.hpp"
#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/pipeline_loader.hpp"
#include "pipeline/common/log.hpp"

namespace starcdc {

int cmd_validate(const CliArgs& args) {
  ConnectorRegistry registry;
  register_builtin_connectors(registry);
  config::Diagnostics diags;
  auto pf = load_pipeline(args.config, registry, diags);
  if (!pf) {
    std::fputs(log::redact(diags.str()).c_str(), stderr);
    std::fprintf(stderr, "%s: %zu error%s\n", args.config.c_str(), diags.size(),
                 diags.size() == 1 ? "" : "s");
    return kExitConfig;
  }
  std::printf(
      "%s: ok (pipeline '%s', source %s, sink %s, %zu route rule%s, %zu transform rule%s, "
      "state %s)\n",
      args.config.c_str(), pf->name.c_str(), pf->source.type.c_str(), pf->sink.type.c_str(),
      pf->routes.size(), pf->routes.size() == 1 ? "" : "s", pf->transforms.size(),
      pf->transforms.size() == 1 ? "" : "s", pf->state_dir.c_str());
  if (args.print) {
    auto print_block = [](const char* title, const config::OptionValues& v) {
      std::printf("%s:\n", title);
      for (const auto& [k, val] : v.dump()) {
        std::printf("  %s: %s\n", k.c_str(), val.c_str());
      }
    };
    print_block("source", pf->source.options);
    print_block("sink", pf->sink.options);
    print_block("pipeline", pf->pipeline);
  }
  return kExitOk;
}

}  // namespace starcdc
