#include "pipeline/runtime.hpp"

#include <chrono>

#include "pipeline/batcher.hpp"
#include "pipeline/checkpoint/coordinator.hpp"
#include "pipeline/checkpoint/state_store.hpp"
#include "pipeline/common/assert.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"
#include "pipeline/handoff_queue.hpp"
#include "pipeline/stages/route_stage.hpp"
#include "pipeline/stages/table_filter_stage.hpp"

namespace starcdc {
namespace {

constexpr std::string_view kComponent = "pipeline.runtime";
constexpr uint64_t kMinPollEvents = 16;
constexpr uint64_t kMaxPollEvents = 4096;

std::vector<config::TablePattern> patterns(const config::OptionValues& o, const std::string& key) {
  std::vector<config::TablePattern> out;
  if (!o.has(key)) {
    return out;
  }
  for (const auto& text : o.get_list(key)) {
    std::string error;
    auto p = config::TablePattern::parse(text, &error);
    STARCDC_CHECK(p.has_value(), "table pattern not validated by the config loader");
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace

const char* runtime_state_name(RuntimeState s) {
  switch (s) {
    case RuntimeState::Starting:
      return "starting";
    case RuntimeState::Recovering:
      return "recovering";
    case RuntimeState::Running:
      return "running";
    case RuntimeState::Stopping:
      return "stopping";
    case RuntimeState::Stopped:
      return "stopped";
    case RuntimeState::Failed:
      return "failed";
  }
  return "starting";
}

Runtime::Runtime(const config::PipelineFile& file, const ConnectorRegistry& registry)
    : file_(file), registry_(registry) {}

Runtime::~Runtime() {
  if (pipeline_thread_.joinable()) {
    pipeline_.stop();
    pipeline_thread_.join();
  }
}

const std::optional<CheckpointRecord>& Runtime::last_checkpoint() const {
  static const std::optional<CheckpointRecord> kNone;
  return coordinator_ ? coordinator_->last() : kNone;
}

uint64_t Runtime::buffered_bytes() const { return queue_ ? queue_->bytes() : 0; }

int Runtime::run() {
  try {
    store_ = std::make_unique<StateStore>(file_.state_dir, file_.name);
    store_->open_exclusive();
    std::optional<CheckpointRecord> last = store_->load().take();

    const SinkFactory* sink_factory = registry_.sink(file_.sink.type);
    const SourceFactory* source_factory = registry_.source(file_.source.type);
    STARCDC_CHECK(sink_factory != nullptr && source_factory != nullptr,
                  "connector type not validated by the config loader");
    sink_ = sink_factory->create(SinkContext{file_.name, control_}, file_.sink.options);
    source_ = source_factory->create(SourceContext{file_.name, schemas_, pipeline_},
                                     file_.source.options);

    queue_ = std::make_unique<HandoffQueue>(pipeline_, control_,
                                            file_.pipeline.get_bytes("buffer.max-bytes"));
    coordinator_ = std::make_unique<CheckpointCoordinator>(sink_->committer(), *store_, *queue_,
                                                           file_.name, std::move(last));
    batcher_ = std::make_unique<Batcher>(*sink_, *queue_, coordinator_->next_epoch());
    const auto mode = file_.pipeline.get_string("route-mode") == "FIRST_MATCH"
                          ? RouteMode::FirstMatch
                          : RouteMode::AllMatch;
    route_ = std::make_unique<RouteStage>(*batcher_, RouteStage::rules_from(file_.routes), mode);
    filter_ = std::make_unique<TableFilterStage>(*route_, patterns(file_.source.options, "tables"),
                                                 patterns(file_.source.options, "tables.exclude"));
  } catch (const Error& e) {
    log::error(kComponent, "Cannot start the pipeline.",
               {{"error", std::string_view(e.what())},
                {"where", std::string_view(e.where())},
                {"hint", std::string_view(e.hint())}});
    return exit_code_for(e.kind());
  }

  asio::co_spawn(control_, control_main(), [this](std::exception_ptr e) {
    if (e) {
      fail(e);
    }
  });
  control_.run();
  if (pipeline_thread_.joinable()) {
    pipeline_.stop();
    pipeline_thread_.join();
  }
  return exit_code_;
}

asio::awaitable<void> Runtime::control_main() {
  state_ = RuntimeState::Recovering;
  co_await coordinator_->recover();
  coordinator_->set_on_committed([this](const Position& p) {
    if (on_checkpoint_ && coordinator_->last()) {
      on_checkpoint_(*coordinator_->last());
    }
    asio::post(pipeline_, [this, p] { source_->on_committed(p); });
  });

  // The pipeline thread starts only after recovery: the sink is settled, the position known.
  asio::co_spawn(pipeline_, pipeline_main(), [this](std::exception_ptr e) {
    if (e) {
      asio::post(control_, [this, e] { fail(e); });
    }
  });
  pipeline_thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(pipeline_);
    pipeline_.run();
  });
  state_ = stop_requested_ ? RuntimeState::Stopping : RuntimeState::Running;
  log::info(
      kComponent, "Pipeline running.",
      {{"epoch", coordinator_->next_epoch()}, {"state_dir", std::string_view(file_.state_dir)}});
  if (on_ready_) {
    on_ready_();
  }
  co_await coordinator_->run();
  state_ = RuntimeState::Stopped;
  log::info(kComponent, "Pipeline stopped after its final checkpoint.",
            {{"epoch", coordinator_->last() ? coordinator_->last()->epoch : 0}});
  finish(0);
}

asio::awaitable<void> Runtime::pipeline_main() {
  const std::optional<Position> resume = coordinator_->resume_position();
  co_await source_->open(resume);
  Emitter& head = *filter_;
  Position last_boundary = resume.value_or(Position());
  bool at_boundary = true;
  const auto interval = file_.pipeline.get_duration("checkpoint.interval");
  auto epoch_start = std::chrono::steady_clock::now();
  const uint64_t budget = queue_->budget_bytes();
  uint64_t encoded_events = 0;
  auto& events_total =
      Metrics::global().counter("starcdc_source_events_total", "Change events read.");

  for (;;) {
    if (stop_requested_.load(std::memory_order_relaxed) && at_boundary) {
      batcher_->cut(last_boundary, true);
      break;
    }
    // Size the poll so the budget holds afterwards: the room left divided by the mean encoded
    // size of an event so far. With less room than a minimal poll, wait for the sink.
    uint64_t held = queue_->bytes() + batcher_->open_bytes();
    const uint64_t mean = encoded_events == 0
                              ? 256
                              : std::max<uint64_t>(1, batcher_->encoded_bytes() / encoded_events);
    if (held + kMinPollEvents * mean >= budget) {
      co_await queue_->wait_below_low_watermark();
      held = queue_->bytes() + batcher_->open_bytes();
    }
    const uint64_t room = budget > held ? budget - held : 0;
    const uint64_t max_events = std::clamp<uint64_t>(room / mean, kMinPollEvents, kMaxPollEvents);
    const uint64_t before = batcher_->events_in_epoch();
    const uint64_t epoch_before = batcher_->epoch();
    PollResult r = co_await source_->poll(head, max_events);
    if (batcher_->epoch() == epoch_before) {
      const uint64_t n = batcher_->events_in_epoch() - before;
      events_total.add(n);
      encoded_events += n;
    }
    if (r.boundary) {
      last_boundary = std::move(*r.boundary);
      at_boundary = true;
    } else if (r.status == PollStatus::Progress) {
      at_boundary = false;
    }
    if (r.status == PollStatus::EndOfInput) {
      STARCDC_CHECK(at_boundary, "a source ended inside a transaction");
      batcher_->cut(last_boundary, true);
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (at_boundary && now - epoch_start >= interval) {
      batcher_->cut(last_boundary, false);
      epoch_start = now;
    }
  }
  co_await source_->close();
}

void Runtime::request_stop() {
  if (!stop_requested_.exchange(true)) {
    asio::post(control_, [this] {
      if (state_ == RuntimeState::Running || state_ == RuntimeState::Recovering) {
        state_ = RuntimeState::Stopping;
      }
      log::info(kComponent, "Stopping: finishing the current transaction and checkpoint.");
    });
  }
}

void Runtime::fail(std::exception_ptr e) {
  if (finished_) {
    return;
  }
  state_ = RuntimeState::Failed;
  int code = 1;
  try {
    std::rethrow_exception(e);
  } catch (const Error& err) {
    code = exit_code_for(err.kind());
    log::error(kComponent, "Pipeline failed; stopping before any checkpoint past the error.",
               {{"error", std::string_view(err.what())},
                {"kind", error_kind_name(err.kind())},
                {"where", std::string_view(err.where())},
                {"hint", std::string_view(err.hint())}});
  } catch (const std::exception& err) {
    log::error(kComponent, "Pipeline failed; stopping before any checkpoint past the error.",
               {{"error", std::string_view(err.what())}, {"kind", "internal"}});
  }
  finish(code);
}

void Runtime::abort(int code, const std::string& why) {
  log::error(kComponent, "Stopping at once.", {{"error", std::string_view(why)}});
  if (state_ != RuntimeState::Failed) {
    state_ = RuntimeState::Failed;
  }
  finish(code);
}

void Runtime::finish(int code) {
  if (finished_) {
    return;
  }
  finished_ = true;
  exit_code_ = code;
  if (queue_) {
    queue_->close();
  }
  pipeline_.stop();
  control_.stop();
}

}  // namespace starcdc
