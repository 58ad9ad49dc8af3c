#include <chrono>
#include <cstdio>
#include <memory>

#include "config/diagnostics.hpp"
#include "daemon/admin_server.hpp"
#include "daemon/builtin_connectors.hpp"
#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/pipeline_loader.hpp"
#include "daemon/signals.hpp"
#include "daemon/status_report.hpp"
#include "daemon/systemd_notify.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"
#include "pipeline/runtime.hpp"

#ifndef STARCDC_VERSION
#define STARCDC_VERSION "0.0.0"
#endif

namespace starcdc {
namespace {

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string short_status(const CheckpointRecord& r) {
  std::string s = "epoch " + std::to_string(r.epoch) + ", position " + r.position.json();
  if (r.last_commit_ms > 0) {
    s += ", lag " + std::to_string(unix_ms_now() - r.last_commit_ms) + " ms";
  }
  return s;
}

}  // namespace

int cmd_run(const CliArgs& args) {
  const auto format = args.log_format == "text" ? log::Format::Text : log::Format::Json;
  log::configure(format, log::Level::Info, "");
  ConnectorRegistry registry;
  register_builtin_connectors(registry);
  config::Diagnostics diags;
  auto pf = load_pipeline(args.config, registry, diags);
  if (!pf) {
    std::fputs(log::redact(diags.str()).c_str(), stderr);
    log::error(
        "daemon", "Configuration invalid; not starting.",
        {{"file", std::string_view(args.config)}, {"errors", static_cast<uint64_t>(diags.size())}});
    return kExitConfig;
  }
  bool ok = true;
  const log::Level level =
      log::parse_level(args.log_level.value_or(pf->pipeline.get_string("log.level")), &ok);
  if (!ok) {
    std::fprintf(stderr, "starcdc: --log-level: unknown level '%s'\n", args.log_level->c_str());
    return kExitConfig;
  }
  log::configure(format, level, pf->name);
  Metrics::global().set_pipeline(pf->name);
  log::info("daemon", "Starting.",
            {{"version", STARCDC_VERSION},
             {"file", std::string_view(args.config)},
             {"source", std::string_view(pf->source.type)},
             {"sink", std::string_view(pf->sink.type)}});

  Runtime runtime(*pf, registry);
  SystemdNotifier notifier(runtime.control());
  auto& age = Metrics::global().gauge("starcdc_checkpoint_age_seconds",
                                      "Seconds since the last committed checkpoint was written.");
  auto& buffered = Metrics::global().gauge("starcdc_buffer_bytes",
                                           "Change data buffered between source and sink.");

  runtime.set_on_ready([&] {
    notifier.ready(runtime.last_checkpoint() ? short_status(*runtime.last_checkpoint())
                                             : "Running (no checkpoint yet)");
    notifier.start_watchdog();
  });
  runtime.set_on_checkpoint([&](const CheckpointRecord& r) { notifier.status(short_status(r)); });

  SignalHandler signals(
      runtime.control(), pf->pipeline.get_duration("shutdown.timeout"),
      SignalHandler::Actions{[&] {
                               notifier.stopping();
                               runtime.request_stop();
                             },
                             [&] {
                               runtime.abort(kExitFailure,
                                             "the final checkpoint did not finish within "
                                             "shutdown.timeout");
                             },
                             [&] { runtime.abort(kExitFailure, "stopped by a second signal"); }});

  std::unique_ptr<AdminServer> admin;
  if (pf->pipeline.has("admin.listen") && !pf->pipeline.get_string("admin.listen").empty()) {
    try {
      admin = std::make_unique<AdminServer>(
          runtime.control(), pf->pipeline.get_string("admin.listen"),
          AdminHandlers{
              [&] { return runtime.state() != RuntimeState::Failed; },
              [&] {
                StatusInput in;
                in.pipeline = pf->name;
                in.state = runtime_state_name(runtime.state());
                in.state_dir = pf->state_dir;
                in.last = runtime.last_checkpoint() ? &*runtime.last_checkpoint() : nullptr;
                in.buffered_bytes = runtime.buffered_bytes();
                in.now_unix_ms = unix_ms_now();
                return status_json(in);
              },
              [&] {
                const auto& last = runtime.last_checkpoint();
                if (last) {
                  age.set(static_cast<double>(unix_ms_now() - last->written_unix_ms) / 1000.0);
                }
                buffered.set(static_cast<double>(runtime.buffered_bytes()));
                return Metrics::global().render_prometheus();
              }});
    } catch (const Error& e) {
      log::error("daemon", "Cannot start the admin server.",
                 {{"error", std::string_view(e.what())}, {"hint", std::string_view(e.hint())}});
      return exit_code_for(e.kind());
    }
  }

  const int code = runtime.run();
  log::info("daemon", "Exiting.", {{"exit_code", code}});
  return code;
}

}  // namespace starcdc
