#include <chrono>
#include <cstdio>

#include "config/diagnostics.hpp"
#include "daemon/builtin_connectors.hpp"
#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/pipeline_loader.hpp"
#include "daemon/status_report.hpp"
#include "pipeline/checkpoint/state_store.hpp"
#include "pipeline/common/log.hpp"

namespace starcdc {

int cmd_status(const CliArgs& args) {
  ConnectorRegistry registry;
  register_builtin_connectors(registry);
  config::Diagnostics diags;
  auto pf = load_pipeline(args.config, registry, diags);
  if (!pf) {
    std::fputs(log::redact(diags.str()).c_str(), stderr);
    return kExitConfig;
  }
  StateStore store(pf->state_dir, pf->name);
  auto loaded = store.load();
  if (!loaded.ok()) {
    const Error& e = loaded.error();
    std::fprintf(stderr, "starcdc: %s: %s\n  hint: %s\n", e.where().c_str(), e.what(),
                 e.hint().c_str());
    return exit_code_for(e.kind());
  }
  StatusInput in;
  in.pipeline = pf->name;
  in.state = "from the state directory";
  in.state_dir = pf->state_dir;
  in.last = loaded.value() ? &*loaded.value() : nullptr;
  in.now_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string out = args.json ? status_json(in) + "\n" : status_text(in);
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace starcdc
